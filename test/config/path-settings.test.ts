import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { ConfigError, loadConfig } from '../../harness/config/index.js';
import { ConfigError as IssuesError } from '../../harness/config/errors.js';
import { pathSettingIssues, resolveConfigPath } from '../../harness/config/path-settings.js';
import { readYamlFile } from '../../harness/config/yaml-file.js';

let dir: string;
let counter = 0;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'harness-path-settings-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A config whose second line sets `key` to `value` (YAML double-quoted, so a NUL can be written `\0`). */
async function writeConfig(key: string, value: string): Promise<string> {
  const file = path.join(dir, `config-${++counter}.yaml`);
  await writeFile(file, `guests: [{ name: l, os: linux }]\n${key}: "${value}"\n`);
  return file;
}

async function issueFor(key: string, value: string): Promise<{ message: string; line: number; column: number; expected: string; got: string }> {
  const file = await writeConfig(key, value);
  try {
    await loadConfig(file);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    const issue = (error as ConfigError).issues.find((i) => i.path === key);
    expect(issue, (error as Error).message).not.to.equal(undefined);
    expect((error as Error).message).to.include(`${file}:2:${issue!.column}: ${key}: expected`);
    return { message: (error as Error).message, ...issue! };
  }
  expect.fail(`${file} loaded, but ${key}: ${value} should have been refused`);
}

describe('config path settings (resultsDir, cacheDir)', () => {
  for (const key of ['resultsDir', 'cacheDir']) {
    describe(key, () => {
      it('refuses a path under /proc (a recursive mkdir there never returns), by path', async () => {
        const issue = await issueFor(key, '/proc/adv-results');
        expect(issue.line).to.equal(2);
        expect(issue.got).to.include('proc pseudo file system');
      });

      it('refuses /sys and /dev', async () => {
        expect((await issueFor(key, '/sys/kernel/x')).got).to.include('/sys pseudo file system');
        expect((await issueFor(key, '/dev/shm-results')).got).to.include('/dev pseudo file system');
      });

      it("refuses a path reached through a symbolic link into /proc, by the ancestor's real path", async () => {
        const link = path.join(dir, `to-proc-${++counter}`);
        await symlink('/proc/self', link);
        expect((await issueFor(key, `${link}/results`)).got).to.include('pseudo file system');
      });

      it('refuses an existing file', async () => {
        const file = path.join(dir, `a-file-${++counter}`);
        await writeFile(file, 'x');
        expect((await issueFor(key, file)).got).to.include('an existing file that is not a directory');
        expect((await issueFor(key, `${file}/below`)).got).to.include(`under ${file}, which is not a directory`);
      });

      it('refuses a NUL byte, shown escaped', async () => {
        const issue = await issueFor(key, 'res\\0ults');
        expect(issue.got).to.include('contains a NUL byte');
        expect(issue.message).not.to.include('\0');
      });

      it('refuses ~user (only ~/ is expanded)', async () => {
        expect((await issueFor(key, '~root/results')).got).to.include('only ~ and ~/ are expanded');
      });

      it('refuses a read-only file system (EROFS from access on the closest existing ancestor), naming the field', async () => {
        const file = await writeConfig(key, path.join(dir, 'ro', 'results'));
        const yaml = await readYamlFile(file, 'a mapping', (issues, o) => new IssuesError(issues, o));
        const erofs = async (): Promise<void> => {
          throw Object.assign(new Error('read-only'), { code: 'EROFS' });
        };
        const issues = await pathSettingIssues(yaml.data, yaml.context, dir, erofs);
        expect(issues).to.have.length(1);
        expect(issues[0]!.path).to.equal(key);
        expect(issues[0]!.line).to.equal(2);
        expect(issues[0]!.got).to.include(`${dir} is on a read-only file system`);
      });
    });
  }

  it('expands ~/ in resultsDir and cacheDir as in target.key', async () => {
    const file = path.join(dir, `config-${++counter}.yaml`);
    await writeFile(file, 'guests: [{ name: l, os: linux }]\nresultsDir: ~/hb-results-test\ncacheDir: "~/hb-cache-test"\n');
    const config = await loadConfig(file);
    expect(config.resultsDir).to.equal(path.join(homedir(), 'hb-results-test'));
    expect(config.cacheDir).to.equal(path.join(homedir(), 'hb-cache-test'));
    expect(resolveConfigPath('~', dir)).to.equal(homedir());
    expect(resolveConfigPath('x/y', dir)).to.equal(path.join(dir, 'x', 'y'));
  });

  it('refuses / and system directories for resultsDir, but not workspaces below /opt, /srv or /var/lib', async () => {
    for (const value of ['/', '/etc', '/usr/local/results', '/var/log/results', '/boot', '/opt', '/var', '/var/lib/']) {
      expect((await issueFor('resultsDir', value)).got, value).to.include('a system directory');
    }
    for (const value of ['/opt/harness/results', '/srv/bench/results', '/var/lib/jenkins/workspace/results']) {
      // Refused or not for other reasons (writable by this user), never as a system directory.
      const refusal = await loadConfig(await writeConfig('resultsDir', value)).then(
        () => '',
        (error: unknown) => (error as Error).message,
      );
      expect(refusal, value).not.to.include('a system directory');
    }
  });

  it('accepts /var/tmp for resultsDir, and a system directory for cacheDir', async () => {
    const file = path.join(dir, `config-${++counter}.yaml`);
    await writeFile(file, 'guests: [{ name: l, os: linux }]\nresultsDir: /var/tmp/hb-results-test\ncacheDir: /var/cache/hb-test\n');
    const config = await loadConfig(file);
    expect(config.resultsDir).to.equal('/var/tmp/hb-results-test');
    expect(config.cacheDir).to.equal('/var/cache/hb-test');
  });

  it("does not check a run directory's copy of a config", async () => {
    const file = await writeConfig('resultsDir', '/proc/adv-results');
    expect((await loadConfig(file, { checkImagePaths: false })).resultsDir).to.equal('/proc/adv-results');
  });

  it('accepts an existing writable directory and one still to be created', async () => {
    await mkdir(path.join(dir, 'exists'), { recursive: true });
    const file = path.join(dir, `config-${++counter}.yaml`);
    await writeFile(file, 'guests: [{ name: l, os: linux }]\nresultsDir: exists\ncacheDir: not/yet/there\n');
    const config = await loadConfig(file);
    expect(config.resultsDir).to.equal(path.join(dir, 'exists'));
    expect(config.cacheDir).to.equal(path.join(dir, 'not', 'yet', 'there'));
  });
});
