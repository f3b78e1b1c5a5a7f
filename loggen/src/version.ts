// Kept equal to package.json's "version" by a test; a constant so dist/ needs no package.json at run time.
export const VERSION = "0.1.0";
