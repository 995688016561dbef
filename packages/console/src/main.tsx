/** Entry point: mounts the console. The stylesheet is emitted as a file of its own (no inline style). */
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
