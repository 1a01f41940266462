/**
 * The command that runs a built-in algorithm as a training process, with absolute paths so it
 * works from any working directory (a training job runs in its own folder, where a bare
 * `--import tsx` would not resolve).
 */
import { fileURLToPath } from 'node:url';

export interface EntryCommand {
  command: string;
  args: string[];
}

export function builtinAlgorithmCommand(algorithm: string): EntryCommand {
  const loader = import.meta.resolve('tsx');
  const entry = fileURLToPath(new URL('./train-entry.ts', import.meta.url));
  return { command: process.execPath, args: ['--import', loader, entry, algorithm] };
}
