// What the benchmark and data scripts share: deterministic randomness and bulk inserts.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'

/** mulberry32: the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number) {
	let state = seed | 0
	const random = () => {
		state = (state + 0x6d2b79f5) | 0
		let t = state
		t = Math.imul(t ^ (t >>> 15), t | 1)
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296
	}
	const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
	return { random, int, pick }
}

/** Bulk insert: multi-row statements of `size` rows, a transaction per 20 statements. */
export async function insertAll(db: Kysely<DB>, table: keyof DB, rows: object[], size = 500) {
	const any = db as unknown as Kysely<any>
	for (let i = 0; i < rows.length; i += size * 20) {
		const slice = rows.slice(i, i + size * 20)
		await any.transaction().execute(async (trx) => {
			for (let j = 0; j < slice.length; j += size) await trx.insertInto(table).values(slice.slice(j, j + size)).execute()
		})
	}
}
