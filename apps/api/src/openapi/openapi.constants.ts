/** Where the document and the interactive reference are served. */
export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_DOCS_PATH = '/docs';

/** The name of the API key security scheme in the document. */
export const API_KEY_SECURITY = 'apiKey';

/** The scheme of `/metrics` when METRICS_TOKEN is set: a bearer token that is not an API key. */
export const METRICS_TOKEN_SECURITY = 'metricsToken';
