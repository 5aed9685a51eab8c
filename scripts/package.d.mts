// Types for scripts/package.mjs, for TypeScript importers (the unit tests, the UI tests).

/** The repository root. */
export declare const ROOT: string;
/** dist/<name>-<version>.vsix of package.json at `root`. */
export declare function vsixPath(root?: string): string;
/** The files vsce puts in the package (relative to `root`, sorted): `.vscodeignore`'s allowlist, no node_modules. */
export declare function packagedFiles(root?: string): Promise<string[]>;
/** The README with its relative PNG/JPEG/GIF images replaced by data: URIs (`readFile` gets the path as written). */
export declare function embedReadmeImages(markdown: string, readFile: (relativePath: string) => Buffer): string;
/** Builds the production bundles and writes dist/<name>-<version>.vsix; resolves to its absolute path. */
export declare function packageExtension(options?: { log?: (line: string) => void }): Promise<string>;
