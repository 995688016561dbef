/**
 * Where the root key comes from. A leaf (no imports): the posture types (src/services/posture/posture-types.ts)
 * name it, and those are shared with the console's browser bundle.
 */
export type RootKeySource = 'development-key-file' | 'key-file' | 'configured' | 'sealed-keyring';
