import { loadConfig, readProcessEnv } from '@app/config';
import { createApiApp } from './api.app';
import { runProcess } from '../../shared/run-process';

/** `npm run start:api`: the API process alone, for production (migrations are a deploy step). */
runProcess('api', async () => {
  const config = loadConfig(readProcessEnv());
  const app = await createApiApp(config);
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  return { message: `API listening on ${url} (health: ${url}/health)`, stop: () => app.close() };
});
