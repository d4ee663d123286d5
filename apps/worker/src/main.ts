import { loadConfig, readProcessEnv } from '@app/config';
import { runProcess } from '../../shared/run-process';
import { createWorkerApp } from './worker.app';

/** `npm run start:worker`: schedules only (expiry, reconciliation, submission); no HTTP. */
runProcess('worker', async () => {
  const config = loadConfig(readProcessEnv());
  const app = await createWorkerApp(config);
  return { message: 'Worker running', stop: () => app.close() };
});
