import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface HeldWriteLock {
  /** When the other process let go of the lock (epoch milliseconds). */
  released: Promise<number>;
  /** Lets go of the lock now, before its time is up; resolves as `released` does. */
  release: () => Promise<number>;
}

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Another process takes SQLite's write lock on the file (BEGIN IMMEDIATE, as an import or
 * a plain `sqlite3` session would) and holds it for `milliseconds`, or until `release()`:
 * resolves once it holds it.
 */
export async function holdWriteLock(databasePath: string, milliseconds: number): Promise<HeldWriteLock> {
  const script = `
    const db = new (require(${JSON.stringify(betterSqlite3)}))(${JSON.stringify(databasePath)});
    db.exec('begin immediate');
    process.stdout.write('locked\\n');
    const release = () => { db.exec('rollback'); process.stdout.write('released ' + Date.now() + '\\n'); db.close(); process.exit(0); };
    setTimeout(release, ${milliseconds});
    process.stdin.once('data', release);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let printed = '';
  const released = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /released (\d+)/.exec(printed);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the lock holder exited with ${code}`))));
  });
  await new Promise<void>((resolve, reject) => {
    const watch = () => printed.includes('locked') && resolve();
    child.stdout!.on('data', watch);
    child.once('exit', () => reject(new Error('the lock holder never took the lock')));
  });
  return {
    released,
    release: () => {
      child.stdin!.end('release\n');
      return released;
    },
  };
}
