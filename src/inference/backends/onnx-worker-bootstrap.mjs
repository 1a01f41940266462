// Worker threads do not inherit tsx's loader when Slipway was started through `bin/slipway.js`:
// register it here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./onnx-worker.ts');
