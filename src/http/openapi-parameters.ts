/**
 * Final touches to the generated document's parameters that the route schemas cannot express: a query parameter
 * whose schema is an object (`filter`) is serialized as OpenAPI `deepObject` (`filter[city]=Paris`), the form
 * query-string.ts parses and generated clients send.
 */
interface Parameter {
  in?: string;
  schema?: { type?: unknown };
  style?: string;
  explode?: boolean;
}

type Document = { paths?: Record<string, Record<string, { parameters?: Parameter[] } | unknown>> };

export function styleObjectParameters<T>(document: T): T {
  for (const item of Object.values((document as Document).paths ?? {})) {
    for (const operation of Object.values(item)) {
      const parameters = (operation as { parameters?: Parameter[] } | undefined)?.parameters;
      for (const parameter of Array.isArray(parameters) ? parameters : []) {
        if (parameter.in === 'query' && parameter.schema?.type === 'object') {
          parameter.style = 'deepObject';
          parameter.explode = true;
        }
      }
    }
  }
  return document;
}
