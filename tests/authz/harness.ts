// The authorization matrix's machinery: one world database built once and restored for every
// case (better-sqlite3 serialize/deserialize), a fingerprint of every table to prove that a refusal
// wrote nothing, and requests signed in through sessions made inside the world (so a case itself
// writes no session row).
import { createHash } from 'node:crypto'
import SQLite from 'better-sqlite3'
import { CamelCasePlugin, Kysely, SqliteDialect } from 'kysely'
import type { DB } from '#db/schema.ts'
import type { DbHandle } from '#app/utils/db.server.ts'
import { migrateToLatest } from '#db/migrate.ts'

// NOTE: the same global name app/utils/db.server.ts uses for the process-wide handle.
const globalForDb = globalThis as unknown as { __bangfuDb?: DbHandle }

export type Live = { sqlite: SQLite.Database; db: Kysely<DB> }

function open(source: string | Buffer): Live {
	const sqlite = typeof source === 'string' ? new SQLite(source) : new SQLite(source)
	sqlite.pragma('foreign_keys = ON')
	const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }), plugins: [new CamelCasePlugin()] })
	return { sqlite, db }
}

let current: Live | undefined
let previous: DbHandle | undefined

function install(live: Live) {
	const old = current
	current = live
	globalForDb.__bangfuDb = { db: live.db, dialect: 'sqlite', destroy: () => live.db.destroy() }
	// The old Kysely only wraps the sqlite handle; closing it synchronously frees the memory.
	if (old) old.sqlite.close()
}

/** A fresh migrated in-memory database, installed as the handle the routes use. */
export async function openWorld(): Promise<Live> {
	previous = globalForDb.__bangfuDb
	const live = open(':memory:')
	await migrateToLatest(live.db)
	install(live)
	return live
}

export function liveDb(): Kysely<DB> {
	if (!current) throw new Error('world not open')
	return current.db
}

let image: Buffer | undefined

/** Freezes the world as it is now; `restore` brings it back before every case. */
export function freeze() {
	if (!current) throw new Error('world not open')
	image = current.sqlite.serialize()
}

export function restore() {
	if (!image) throw new Error('world not frozen')
	install(open(image))
}

export function closeWorld() {
	if (current) current.sqlite.close()
	current = undefined
	globalForDb.__bangfuDb = previous
}

/**
 * Every table's row count and a hash of all its rows, read straight from SQLite. Two equal
 * fingerprints mean nothing was inserted, updated or deleted anywhere.
 */
export function fingerprint(): Record<string, string> {
	if (!current) throw new Error('world not open')
	const tables = current.sqlite
		.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
		.pluck()
		.all() as string[]
	const out: Record<string, string> = {}
	for (const t of tables) {
		const rows = current.sqlite.prepare(`select * from "${t}" order by rowid`).raw().all()
		const hash = createHash('sha1')
		for (const r of rows) hash.update(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : Buffer.isBuffer(v) ? v.toString('hex') : v)))
		out[t] = `${rows.length}:${hash.digest('hex').slice(0, 12)}`
	}
	return out
}

/** Tables whose fingerprints differ. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
	return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t])
}

export type FormValue = string | number | string[]
export type FileField = { field: string; name: string; bytes: Uint8Array; type: string }

/** A POST as the browser sends it: urlencoded, or multipart when there are files or `multipart`. */
export function post(cookie: string | null, url: string, form: Record<string, FormValue>, options: { multipart?: boolean; files?: FileField[] } = {}): Request {
	const href = new URL(url, 'http://localhost').toString()
	const headers = new Headers()
	if (cookie) headers.set('cookie', cookie)
	if (options.multipart || options.files?.length) {
		const body = new FormData()
		for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, String(x))
		for (const f of options.files ?? []) body.append(f.field, new File([new Uint8Array(f.bytes)], f.name, { type: f.type }))
		return new Request(href, { method: 'POST', headers, body })
	}
	const body = new URLSearchParams()
	for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, String(x))
	headers.set('content-type', 'application/x-www-form-urlencoded')
	return new Request(href, { method: 'POST', headers, body })
}
