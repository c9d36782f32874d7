import path from 'node:path';

/**
 * How a file is named in messages and outputs: as the user typed it (with `/`), or relative to the working
 * folder when an absolute path points inside it. civscore never turns a relative path into an absolute one,
 * so outputs do not depend on where the project sits on disk.
 */
export function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return path.normalize(file).split(path.sep).join('/');
  const relative = path.relative(process.cwd(), file);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  return file.split(path.sep).join('/');
}
