/**
 * requirements.txt in script mode. In SageMaker, the training toolkit inside a framework container
 * pip-installs the requirements.txt shipped beside the entry point before running it. On the
 * process runtime Slipway plays that part: the run starts with a small Python bootstrap that
 * installs them (pip --target a folder of the job, which goes first on PYTHONPATH) and then execs
 * the entry point. Being the same run, the install's output is in the job's logs, stop and max
 * runtime cover it, and a failed install ends the job with a reason that says so. A training image
 * installs its own (its toolkit does), so images are left alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const requirementsFile = 'requirements.txt';

/** Run with the user's Python: argv = packages folder, failure file, JSON pip arguments, command… */
const bootstrap = `
import json, os, subprocess, sys
packages, failure, pip_args, command = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4:]
print("Installing requirements.txt", flush=True)
code = subprocess.call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                        "--target", packages, *pip_args, "-r", "requirements.txt"])
if code != 0:
    with open(failure, "w") as f:
        f.write(f"requirements.txt: pip install failed with exit code {code} (its output is in the job's logs)")
    sys.exit(code)
os.execvp(command[0], command)
`;

export function hasRequirements(codeFolder: string): boolean {
  return existsSync(join(codeFolder, requirementsFile));
}

/**
 * The command that installs requirements.txt (from the working directory, the code folder) and
 * then runs `command`, and the PYTHONPATH that makes the installed packages importable.
 */
export function installingRequirements(
  command: string[],
  options: {
    python: string;
    root: string;
    failureFile: string;
    pipArgs: readonly string[];
    pythonPath?: string;
  },
): { command: string[]; pythonPath: string } {
  const packages = join(options.root, 'python-packages');
  return {
    command: [
      options.python,
      '-c',
      bootstrap,
      packages,
      options.failureFile,
      JSON.stringify(options.pipArgs),
      ...command,
    ],
    pythonPath: options.pythonPath ? `${packages}:${options.pythonPath}` : packages,
  };
}
