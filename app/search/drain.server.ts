// Moves changes from the search outbox into the engine (ADR 005). Writes only add outbox rows;
// this is the one place that talks to the engine on their behalf, with retry and backoff.
import type { Kysely } from 'kysely'
import type { DB, SearchEntityType } from '#db/schema.ts'
import { iterateSearchDocuments, loadSearchDocuments } from './documents.server.ts'
import { type SearchEngine, type SearchType, SEARCH_TYPES } from './port.ts'

export const DEFAULT_DRAIN_BATCH = 200
const MAX_BACKOFF_MS = 10 * 60_000
const MAX_ERROR_LENGTH = 500

/** Delay before the next attempt after `attempts` failures: 2, 4, 8 … seconds, at most 10 minutes. */
export function backoffMs(attempts: number): number {
	return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 30))
}

export type DrainResult = {
	/** Outbox rows taken (due rows, up to the batch size). */
	taken: number
	/** Outbox rows applied and deleted. */
	processed: number
	upserted: number
	removed: number
	/** Outbox rows left for a later attempt. */
	failed: number
	errors: Array<{ type: SearchType; message: string }>
	/** A full batch was taken: more rows may be due. */
	more: boolean
}

/**
 * Applies due outbox rows (next_attempt_at <= now, oldest id first) to the engine: each record is
 * read as it is now, upserted when public and removed otherwise, and its rows are deleted. When the
 * engine (or loading) fails for a type, that type's rows stay with attempts + 1, the error, and a
 * later next_attempt_at.
 *
 * Safe to run in several processes at once: rows are not claimed, so two drains may apply the same
 * record twice, which is harmless (upsert and remove are idempotent and both read the current row);
 * rows are deleted by id, so a row added for a newer change after this drain read the record is
 * never deleted by it.
 */
export async function drainSearchOutbox(db: Kysely<DB>, engine: SearchEngine, options: { now?: number; batch?: number } = {}): Promise<DrainResult> {
	const now = options.now ?? Date.now()
	const batch = options.batch ?? DEFAULT_DRAIN_BATCH
	const rows = await db
		.selectFrom('searchOutbox')
		.select(['id', 'entityType', 'entityId', 'attempts'])
		.where('nextAttemptAt', '<=', now)
		.orderBy('id')
		.limit(batch)
		.execute()
	const result: DrainResult = { taken: rows.length, processed: 0, upserted: 0, removed: 0, failed: 0, errors: [], more: rows.length === batch }

	for (const type of SEARCH_TYPES) {
		const ofType = rows.filter((r) => r.entityType === type)
		if (!ofType.length) continue
		const ids = [...new Set(ofType.map((r) => r.entityId))]
		try {
			const docs = await loadSearchDocuments(db, type, ids)
			const found = new Set(docs.map((d) => d.id))
			const gone = ids.filter((id) => !found.has(id))
			if (docs.length) await engine.upsert(docs)
			if (gone.length) await engine.remove(gone.map((id) => ({ type, id })))
			await db.deleteFrom('searchOutbox').where('id', 'in', ofType.map((r) => r.id)).execute()
			result.processed += ofType.length
			result.upserted += docs.length
			result.removed += gone.length
		} catch (error) {
			const message = errorMessage(error)
			await markFailed(db, ofType, message, now)
			result.failed += ofType.length
			result.errors.push({ type, message })
		}
	}
	return result
}

async function markFailed(db: Kysely<DB>, rows: Array<{ id: string; attempts: number }>, message: string, now: number) {
	// Set (not increment) the count read with the row: a second drain failing on the same rows at
	// the same time writes the same values instead of counting the failure twice.
	const byAttempts = new Map<number, string[]>()
	for (const r of rows) byAttempts.set(r.attempts, [...(byAttempts.get(r.attempts) ?? []), r.id])
	for (const [attempts, ids] of byAttempts) {
		const next = attempts + 1
		await db
			.updateTable('searchOutbox')
			.set({ attempts: next, lastError: message, nextAttemptAt: now + backoffMs(next) })
			.where('id', 'in', ids)
			.execute()
	}
}

function errorMessage(error: unknown): string {
	const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
	return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text
}

/**
 * Empties the engine and indexes every public record from the database, in batches. Searches
 * return partial results until it finishes. Outbox rows are left alone: draining them afterwards
 * re-applies current rows, which is harmless.
 */
export async function rebuildSearchIndex(
	db: Kysely<DB>,
	engine: SearchEngine,
	options: { batch?: number; types?: SearchEntityType[]; onBatch?: (type: SearchType, indexed: number) => void } = {},
): Promise<Record<SearchType, number>> {
	const counts: Record<SearchType, number> = { need: 0, offer: 0, project: 0 }
	for (const type of options.types ?? SEARCH_TYPES) {
		await engine.clear(type)
		for await (const docs of iterateSearchDocuments(db, type, options.batch)) {
			if (docs.length) await engine.upsert(docs)
			counts[type] += docs.length
			options.onBatch?.(type, counts[type])
		}
	}
	return counts
}

/**
 * Drains the outbox every `intervalMs` (and at once while full batches keep coming) until the
 * returned function is called. Errors are reported through `onError` and retried on the next tick.
 */
export function startSearchDrainLoop(
	db: Kysely<DB>,
	engine: SearchEngine,
	options: { intervalMs?: number; batch?: number; onError?: (error: unknown) => void } = {},
): () => void {
	const interval = options.intervalMs ?? 2000
	let stopped = false
	let timer: NodeJS.Timeout | undefined
	const tick = async () => {
		let again = false
		try {
			const result = await drainSearchOutbox(db, engine, { batch: options.batch })
			for (const e of result.errors) options.onError?.(new Error(`search ${e.type}: ${e.message}`))
			again = result.more && result.failed < result.taken
		} catch (error) {
			options.onError?.(error)
		}
		if (!stopped) {
			timer = setTimeout(tick, again ? 0 : interval)
			// A pending drain must not keep a script or a shutting-down server alive.
			timer.unref()
		}
	}
	timer = setTimeout(tick, 0)
	timer.unref()
	return () => {
		stopped = true
		clearTimeout(timer)
	}
}
