// Logical backup and restore, the same on both dialects (docs/backup.md): every table's rows as
// gzip-compressed JSON lines, streamed, so a backup of one dialect restores into the other too.
//
//   line 1: { "format": "bangfu-backup", "version": 1, "migrations": [...], "createdAt": ms }
//   then per table: { "table": "need", "columns": [...] } and one JSON array per row
//   last line: { "end": true, "tables": { "<table>": <rows>, ... } }
//
// Restore needs a database migrated to exactly the backup's migrations with empty tables (or
// `replace: true`, which empties them first), and loads everything in one transaction with
// foreign-key checks off for its own connection: a failure leaves the database as it was.
import fs from 'node:fs'
import readline from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { type Kysely, MysqlAdapter, sql } from 'kysely'

export const BACKUP_FORMAT = 'bangfu-backup'
export const BACKUP_VERSION = 1
const BATCH = 500

type AnyDb = Kysely<any>

function isMysql(db: AnyDb) {
	return db.getExecutor().adapter instanceof MysqlAdapter
}

/** The app's tables (not Kysely's migration bookkeeping), in a stable order. */
async function appTables(db: AnyDb): Promise<Array<{ name: string; columns: string[] }>> {
	const tables = await db.introspection.getTables()
	return tables
		.filter((t) => !t.name.startsWith('kysely_') && !t.isView)
		.map((t) => ({ name: t.name, columns: t.columns.map((c) => c.name) }))
		.sort((a, b) => a.name.localeCompare(b.name))
}

async function appliedMigrations(db: AnyDb): Promise<string[]> {
	const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
	return rows.rows.map((r) => r.name)
}

/** Writes a backup of every table to `file`; returns the row count per table. */
export async function backupDatabase(db: AnyDb, file: string, now = Date.now()): Promise<Record<string, number>> {
	const tables = await appTables(db)
	const migrations = await appliedMigrations(db)
	const counts: Record<string, number> = {}
	async function* lines() {
		yield `${JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, migrations, createdAt: now })}\n`
		for (const table of tables) {
			yield `${JSON.stringify({ table: table.name, columns: table.columns })}\n`
			let n = 0
			// Streamed (better-sqlite3 iterates, mysql2 streams): a table never sits in memory.
			// NOTE: CamelCasePlugin renames result keys, so a row is read by either spelling.
			for await (const row of db.selectFrom(table.name).selectAll().stream(BATCH) as AsyncIterable<Record<string, unknown>>) {
				yield `${JSON.stringify(table.columns.map((c) => row[c] ?? row[camel(c)] ?? null))}\n`
				n++
			}
			counts[table.name] = n
		}
		yield `${JSON.stringify({ end: true, tables: counts })}\n`
	}
	const tmp = `${file}.partial`
	await pipeline(Readable.from(lines()), createGzip(), fs.createWriteStream(tmp))
	fs.renameSync(tmp, file)
	return counts
}

function camel(name: string) {
	return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

export class BackupError extends Error {}

/**
 * Loads a backup into `db`. The database must be migrated to the backup's migrations; its tables
 * must be empty unless `replace` (then they are emptied first, in the same transaction).
 */
export async function restoreDatabase(db: AnyDb, file: string, options: { replace?: boolean } = {}): Promise<Record<string, number>> {
	const input = readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY })
	const iterator = input[Symbol.asyncIterator]()
	const first = await iterator.next()
	if (first.done) throw new BackupError('empty backup file')
	let header: { format?: string; version?: number; migrations?: string[] }
	try {
		header = JSON.parse(first.value)
	} catch {
		throw new BackupError('not a Bangfu backup (the first line is not JSON)')
	}
	if (header.format !== BACKUP_FORMAT || header.version !== BACKUP_VERSION) throw new BackupError('not a Bangfu backup of a version this code reads')
	const migrations = await appliedMigrations(db)
	if (JSON.stringify(migrations) !== JSON.stringify(header.migrations)) {
		throw new BackupError(`the database's migrations differ from the backup's: run "npm run db:migrate" to the same version (backup: ${header.migrations?.at(-1)}, database: ${migrations.at(-1) ?? 'none'})`)
	}
	const tables = new Map((await appTables(db)).map((t) => [t.name, t]))
	const mysql = isMysql(db)

	return db.connection().execute(async (conn) => {
		// Foreign keys are checked by the application's own writes; a restore loads tables in
		// name order, so it turns them off for its connection only.
		if (mysql) await sql`set foreign_key_checks = 0`.execute(conn)
		else await sql`pragma foreign_keys = off`.execute(conn)
		try {
			return await conn.transaction().execute(async (trx) => {
				for (const name of tables.keys()) {
					const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(trx)
					if (Number(row.rows[0].n) > 0) {
						if (!options.replace) throw new BackupError(`table ${name} is not empty: restore into an empty database, or pass --replace`)
						await sql`delete from ${sql.table(name)}`.execute(trx)
					}
				}
				const counts: Record<string, number> = {}
				let current: { name: string; columns: string[] } | undefined
				let batch: unknown[][] = []
				const flush = async () => {
					if (!current || !batch.length) return
					const cols = sql.join(current.columns.map((c) => sql.id(c)))
					const values = sql.join(batch.map((r) => sql`(${sql.join(r.map((v) => sql`${v}`))})`))
					await sql`insert into ${sql.table(current.name)} (${cols}) values ${values}`.execute(trx)
					counts[current.name] = (counts[current.name] ?? 0) + batch.length
					batch = []
				}
				let ended = false
				for (;;) {
					const next = await iterator.next()
					if (next.done) break
					const value = JSON.parse(next.value) as unknown
					if (Array.isArray(value)) {
						if (!current) throw new BackupError('a row before its table')
						batch.push(value)
						if (batch.length >= BATCH) await flush()
						continue
					}
					await flush()
					const record = value as { table?: string; columns?: string[]; end?: boolean; tables?: Record<string, number> }
					if (record.end) {
						for (const [t, n] of Object.entries(record.tables ?? {})) if ((counts[t] ?? 0) !== n) throw new BackupError(`table ${t}: ${counts[t] ?? 0} rows read, ${n} expected`)
						ended = true
						break
					}
					const target = tables.get(record.table ?? '')
					if (!target) throw new BackupError(`unknown table in backup: ${record.table}`)
					const missing = (record.columns ?? []).filter((c) => !target.columns.includes(c))
					if (missing.length) throw new BackupError(`table ${target.name} has no column ${missing.join(', ')}`)
					current = { name: target.name, columns: record.columns ?? [] }
					counts[target.name] ??= 0
				}
				if (!ended) throw new BackupError('the backup is truncated (no end line)')
				return counts
			})
		} finally {
			if (mysql) await sql`set foreign_key_checks = 1`.execute(conn)
			else await sql`pragma foreign_keys = on`.execute(conn)
		}
	})
}
