import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { CamelCasePlugin, Kysely, type KyselyConfig, MysqlDialect, SqliteAdapter, SqliteDialect, sql } from 'kysely'
import { createPool } from 'mysql2'
import type { DB } from '#db/schema.ts'
import { getEnv } from './env.server.ts'

export type Dialect = 'mysql' | 'sqlite'
export type Database = Kysely<DB>

export type DbHandle = {
	db: Database
	dialect: Dialect
	/** Closes the pool or file; the process can exit afterwards. */
	destroy: () => Promise<void>
}

export function dialectOf(url: string): Dialect {
	return /^mysql:\/\//i.test(url) ? 'mysql' : 'sqlite'
}

/** `file:./data/bangfu.db`, `./x.db` or `:memory:` → a path better-sqlite3 understands. */
export function sqlitePath(url: string): string {
	const p = url.replace(/^(file|sqlite):(\/\/)?/i, '')
	return p === '' ? ':memory:' : p
}

export function createDb(url: string = getEnv().databaseUrl, options: { poolSize?: number; log?: KyselyConfig['log'] } = {}): DbHandle {
	const dialect = dialectOf(url)
	const plugins = [new CamelCasePlugin()]
	if (dialect === 'mysql') {
		const pool = createPool({
			uri: url,
			connectionLimit: options.poolSize ?? 10,
			charset: 'utf8mb4_unicode_ci',
			timezone: 'Z',
			// SUM() and other DECIMAL results come back as numbers, as on SQLite.
			decimalNumbers: true,
			supportBigNumbers: true,
			bigNumberStrings: false,
		})
		const db = new Kysely<DB>({ dialect: new MysqlDialect({ pool }), plugins, log: options.log })
		return { db, dialect, destroy: () => db.destroy() }
	}
	const file = sqlitePath(url)
	if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
	const sqlite = new SQLite(file)
	sqlite.pragma('journal_mode = WAL')
	sqlite.pragma('foreign_keys = ON')
	sqlite.pragma('busy_timeout = 5000')
	sqlite.pragma('synchronous = NORMAL')
	// Reads: a 64 MiB page cache (the default is 2 MiB) and memory-mapped reads up to 256 MiB, so
	// hot indexes are read without a system call per page. Measured on the suggestions benchmark
	// (50,000 offers): candidate queries about 30 % faster (docs/suggestions.md).
	sqlite.pragma('cache_size = -65536')
	sqlite.pragma('mmap_size = 268435456')
	// Planner statistics (SQLite's advice for long-lived connections; refreshPlannerStatistics keeps
	// them current). Without them SQLite answers `status = ? AND village_code BETWEEN …` from the
	// status index and reads every row of that status: 53 ms instead of 0.2 ms for a county
	// official's header count at national scale. NOTE: no analysis_limit: a sample of the first
	// 1,000 entries of a status index sees one status and makes status look selective, which brings
	// the bad plan back. A full ANALYZE of the national data takes 0.7 s, once.
	sqlite.pragma('optimize = 0x10002')
	const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }), plugins, log: options.log })
	return { db, dialect, destroy: () => db.destroy() }
}

/**
 * Refreshes the SQLite planner's statistics where tables changed enough to matter (PRAGMA
 * optimize; cheap when nothing did). MySQL keeps its own statistics: nothing to do there.
 */
export async function refreshPlannerStatistics(db: Kysely<DB>): Promise<void> {
	// 0x10002: every table that changed enough since it was last analysed, not only those this
	// connection has queried.
	if (db.getExecutor().adapter instanceof SqliteAdapter) await sql`pragma optimize = 0x10002`.execute(db)
}

// One handle per process; kept on globalThis so Vite's dev reloads don't open a new pool each time.
const globalForDb = globalThis as unknown as { __bangfuDb?: DbHandle }

export function getDbHandle(): DbHandle {
	globalForDb.__bangfuDb ??= createDb()
	return globalForDb.__bangfuDb
}

export function getDb(): Database {
	return getDbHandle().db
}

export async function closeDb(): Promise<void> {
	const handle = globalForDb.__bangfuDb
	globalForDb.__bangfuDb = undefined
	if (handle) await handle.destroy()
}

/**
 * Creates the MySQL database named in the URL when it does not exist yet (utf8mb4), so
 * `DATABASE_URL=mysql://…/bangfu_dev npm run db:migrate` works on a bare server.
 */
export async function ensureMysqlDatabase(url: string): Promise<void> {
	const parsed = new URL(url)
	const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
	if (!name) throw new Error('DATABASE_URL names no database')
	if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name: ${name}`)
	parsed.pathname = '/'
	const { createConnection } = await import('mysql2/promise')
	const conn = await createConnection({ uri: parsed.toString() })
	try {
		await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
	} finally {
		await conn.end()
	}
}
