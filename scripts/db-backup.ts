// npm run db:backup [-- file]      writes a backup of the database named by DATABASE_URL
//                                  (default file: backups/bangfu-<UTC time>.jsonl.gz)
// npm run db:restore -- file [--replace]   loads a backup into the DATABASE_URL database, which
//                                  must be migrated to the backup's version (npm run db:migrate)
//                                  and empty, unless --replace (its rows are replaced).
// Logical, streamed, the same on SQLite and MySQL (db/backup.ts, docs/backup.md).
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { BackupError, backupDatabase, restoreDatabase } from '#db/backup.ts'

const { values, positionals } = parseArgs({ options: { restore: { type: 'boolean' }, replace: { type: 'boolean' } }, allowPositionals: true, strict: true })
const url = getEnv().databaseUrl
const { db, dialect } = createDb(url)
const started = Date.now()
try {
	if (values.restore) {
		const file = positionals[0]
		if (!file || !fs.existsSync(file)) throw new BackupError('name an existing backup file: npm run db:restore -- <file>')
		const counts = await restoreDatabase(db, file, { replace: values.replace })
		const total = Object.values(counts).reduce((s, n) => s + n, 0)
		console.log(`restored ${total} rows in ${Object.keys(counts).length} tables into ${dialect} from ${file} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
	} else {
		const file = positionals[0] ?? path.join('backups', `bangfu-${new Date(started).toISOString().replace(/[:.]/g, '-')}.jsonl.gz`)
		fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
		const counts = await backupDatabase(db, file, started)
		const total = Object.values(counts).reduce((s, n) => s + n, 0)
		console.log(`backed up ${total} rows in ${Object.keys(counts).length} tables from ${dialect} to ${file} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`)
	}
} catch (error) {
	console.error(error instanceof BackupError ? `backup: ${error.message}` : error)
	process.exitCode = 1
} finally {
	await db.destroy()
}
