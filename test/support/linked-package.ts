import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleCli } from '../../scripts/bundle-cli.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Lays the package out in `dir` as it is installed (`files`, then the bundle last: `npm start`
 * rebuilds a bundle older than package.json), and a project beside it that depends on it, linked
 * into its node_modules (and `.bin`) as `npm link` does. Nothing touches the checkout's dist/.
 * @param files the package's files to copy, relative to the checkout (package.json and the bin
 *   at least)
 * @returns the package's folder and the project's
 */
export async function linkedPackage(
  dir: string,
  files: readonly string[],
  projectName = 'project',
): Promise<{ pkg: string; project: string }> {
  const pkg = path.join(dir, 'image-registry-mock')
  for (const file of files) {
    await mkdir(path.dirname(path.join(pkg, file)), { recursive: true })
    await copyFile(path.join(ROOT, file), path.join(pkg, file))
  }
  await bundleCli(path.join(pkg, 'dist', 'cli.mjs'))
  const project = path.join(dir, projectName)
  await mkdir(path.join(project, 'node_modules', '.bin'), { recursive: true })
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: projectName,
      private: true,
      dependencies: { 'image-registry-mock': '*' },
    }),
  )
  await symlink(pkg, path.join(project, 'node_modules', 'image-registry-mock'))
  await symlink(
    '../image-registry-mock/bin/image-registry-mock.js',
    path.join(project, 'node_modules', '.bin', 'image-registry-mock'),
  )
  return { pkg, project }
}
