/** The process runtime: the conformance suite with the host's `sh`. */
import { ProcessRuntime } from '../../src/runtime/process/process-runtime.ts';
import { describeRuntimeConformance } from './runtime-conformance.ts';

describeRuntimeConformance('process', {
  target: () => ({
    runtime: new ProcessRuntime(),
    shellSpec: (snippet, base) => ({ ...base, command: ['sh', '-c', snippet] }),
  }),
});
