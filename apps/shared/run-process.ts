import { ConfigError } from '@app/config';

export interface RunningProcess {
  message: string;
  stop(): Promise<void>;
}

/**
 * Starts a process body and stops it cleanly on SIGINT/SIGTERM. A bad setting ends the process
 * with exit code 78 (EX_CONFIG) and a message that names each variable.
 */
export function runProcess(name: string, start: () => Promise<RunningProcess>): void {
  let running: RunningProcess | undefined;
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n[${name}] ${signal} received, shutting down...\n`);
    const timer = setTimeout(() => {
      process.stderr.write(`[${name}] shutdown took longer than 15 s, exiting\n`);
      process.exit(1);
    }, 15_000);
    timer.unref();
    try {
      await running?.stop();
      process.stdout.write(`[${name}] stopped cleanly\n`);
      process.exit(0);
    } catch (error) {
      process.stderr.write(`[${name}] error while stopping: ${String(error)}\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  start()
    .then((started) => {
      running = started;
      process.stdout.write(`${started.message}\n`);
      if (stopping) void started.stop();
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`[${name}] refusing to start. ${error.message}\n`);
        process.exit(78);
      }
      process.stderr.write(
        `[${name}] failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    });
}
