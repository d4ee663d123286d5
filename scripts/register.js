// Runtime TypeScript loader for the scripts in package.json: swc (keeps decorator metadata, which
// NestJS dependency injection needs) with the tsconfig.json path aliases (@app/<lib>).
require('@swc-node/register');
