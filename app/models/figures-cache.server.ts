// Officials' dashboards work out the same figures for every view, and at national scale a
// province's take 0.4–0.8 s of database time. The figures change only with a state change, and
// every state change writes an event row in its transaction (event.server.ts), so they are kept,
// per process, until the newest event id moves. NOTE: an event whose transaction commits after a
// later-numbered one was already seen does not move the newest id; FIGURES_TTL_MS bounds how long
// figures can miss such a change. Concurrent views of the same figures share one computation.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'

export const FIGURES_TTL_MS = 60_000
const MAX_ENTRIES = 500

type Entry = { version: string; at: number; value: Promise<unknown> }
// Per database handle, so that two databases in one process (tests) never share figures.
const byDb = new WeakMap<Kysely<DB>, Map<string, Entry>>()
function entriesOf(db: Kysely<DB>): Map<string, Entry> {
	let entries = byDb.get(db)
	if (!entries) {
		entries = new Map()
		byDb.set(db, entries)
	}
	return entries
}

/** The id of the newest event: it moves with every recorded state change (one index lookup). */
export async function latestChange(db: Kysely<DB>): Promise<string> {
	const row = await db
		.selectFrom('event')
		.select((eb) => eb.fn.max('id').as('id'))
		.executeTakeFirst()
	return row?.id ?? ''
}

/**
 * `compute()`, or a copy of what it gave for the same key since the last state change (and within
 * FIGURES_TTL_MS). `key` must name everything the figures depend on. A failure is not kept.
 */
export async function memoFigures<T>(db: Kysely<DB>, key: string, compute: () => Promise<T>, now = Date.now()): Promise<T> {
	const entries = entriesOf(db)
	const version = await latestChange(db)
	const hit = entries.get(key)
	if (hit && hit.version === version && now - hit.at < FIGURES_TTL_MS) return structuredClone(await (hit.value as Promise<T>))
	const value = compute()
	entries.delete(key)
	entries.set(key, { version, at: now, value })
	if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string)
	value.catch(() => {
		if (entries.get(key)?.value === value) entries.delete(key)
	})
	return structuredClone(await value)
}

/** Forgets every figure kept for this database. */
export function forgetFigures(db: Kysely<DB>) {
	byDb.delete(db)
}
