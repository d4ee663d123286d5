export declare const DEFAULT_OUT_DIR: string;
export declare function buildConsole(
  outDir?: string,
): Promise<{ outDir: string; files: { name: string; bytes: number }[] }>;
