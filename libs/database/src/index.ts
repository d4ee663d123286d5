export * from './embedded-postgres';
export * from './project-root';
