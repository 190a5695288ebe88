// Runs one of our entry points as its own process. Node with tsx's loader, not the `tsx` command: that
// is a wrapper which relays signals to a child, so a SIGKILL would kill only the wrapper and leave the
// real server running as an orphan.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

export function spawnEntry(script: string, env: NodeJS.ProcessEnv, stdio: StdioOptions = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script], { env, stdio });
}
