// Frozen in time: never edit a migration that has shipped; add a new one.
// Two speed-ups for suggestions, measured with scripts/bench-suggest.ts (docs/suggestions.md).
//
// 1. A copy of an offer's categories (offer_category) as a bit mask on the offer row, carried in the
// suggestion indexes of 202611231300, so the candidate queries test the category on the index
// entry instead of probing offer_category once per live offer (13,000 probes for a popular
// category at 50,000 offers; docs/suggestions.md). offer_category stays the record; the mask is
// written with it, in the same transaction (app/models/offer.server.ts).
//
// 2. commitment_offer_idx (offer_id, status) becomes (offer_id, status, amount): the capacity an
// offer has used is then summed from the index alone (it was a row read per commitment, and the
// candidate query sums it for every candidate with a capacity: 8 ms → 4.5 ms for 3,000 of them).
import { type Kysely, MysqlAdapter, sql } from 'kysely'

/**
 * Bit i is category i of this list. Frozen here as the mask's meaning; CATEGORY_BITS in
 * app/models/marketplace-vocab.ts must give the same bits (a test checks).
 */
export const BITS = ['industry', 'talent', 'culture', 'ecology', 'organization', 'infrastructure', 'education', 'health', 'employment', 'consumption', 'social_protection']

const COLUMNS = ['status', 'coverage', 'measure', 'unit', 'valid_until', 'valid_from', 'capacity', 'id']

async function dropIndex(db: Kysely<any>, table: string, index: string) {
	// MySQL names the table in DROP INDEX; SQLite refuses it (index names are schema-wide there).
	const drop = db.schema.dropIndex(index)
	await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on(table) : drop).execute()
}

async function dropIndexes(db: Kysely<any>) {
	for (const index of ['offer_provider_match_idx', 'offer_match_idx']) await dropIndex(db, 'offer', index)
}

async function replaceCommitmentOfferIndex(db: Kysely<any>, columns: string[]) {
	// Created under a temporary name first: on MySQL the foreign key on offer_id needs an index
	// on it at every moment.
	await db.schema.createIndex('commitment_offer_idx_next').on('commitment').columns(columns).execute()
	await dropIndex(db, 'commitment', 'commitment_offer_idx')
	await db.schema.createIndex('commitment_offer_idx').on('commitment').columns(columns).execute()
	await dropIndex(db, 'commitment', 'commitment_offer_idx_next')
}

async function createIndexes(db: Kysely<any>, extra: string[]) {
	await db.schema
		.createIndex('offer_match_idx')
		.on('offer')
		.columns([...COLUMNS, ...extra, 'provider_org_id'])
		.execute()
	await db.schema
		.createIndex('offer_provider_match_idx')
		.on('offer')
		.columns(['provider_org_id', ...COLUMNS, ...extra])
		.execute()
}

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('offer')
		.addColumn('category_mask', 'integer', (c) => c.notNull().defaultTo(0))
		.execute()
	const bit = sql.join(BITS.map((category, i) => sql`when ${sql.lit(category)} then ${sql.lit(2 ** i)}`), sql` `)
	await sql`update offer set category_mask = coalesce((select sum(case oc.category ${bit} else 0 end) from offer_category oc where oc.offer_id = offer.id), 0)`.execute(db)
	await dropIndexes(db)
	await createIndexes(db, ['category_mask'])
	await replaceCommitmentOfferIndex(db, ['offer_id', 'status', 'amount'])
}

export async function down(db: Kysely<any>): Promise<void> {
	await replaceCommitmentOfferIndex(db, ['offer_id', 'status'])
	await dropIndexes(db)
	await createIndexes(db, [])
	await db.schema.alterTable('offer').dropColumn('category_mask').execute()
}
