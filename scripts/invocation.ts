import { resolve } from 'node:path';

/**
 * A path as the user typed it, resolved from where they typed the command: npm runs scripts
 * from the project's folder, and says where it was invoked in INIT_CWD.
 */
export function fromInvocationFolder(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
