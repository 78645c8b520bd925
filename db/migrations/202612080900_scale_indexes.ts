// Frozen in time: never edit a migration that has shipped; add a new one.
// Two commitment indexes widened so that read paths measured at national scale (the scale issue,
// docs/performance.md) are answered from the index alone:
//
// 1. commitment_provider_idx (provider_org_id, status) + (due_at, verified_at): the delivery record
// of suggestions (on time = verified by the end of the due day, or overdue) for 500 providers at
// a time read every one of their commitment rows: 19 ms a call on MariaDB, two thirds of a
// suggestion's time.
// 2. commitment_verified_idx (status, verified_at) + (provider_org_id, village_code, need_id,
// amount): verified contributions (leaderboards, eligibility, indicators) by year; MariaDB read
// the whole table for the nationwide leaderboard rather than look up a third of its rows.
import { type Kysely, MysqlAdapter } from 'kysely'

async function dropIndex(db: Kysely<any>, table: string, index: string) {
	// MySQL names the table in DROP INDEX; SQLite refuses it (index names are schema-wide there).
	const drop = db.schema.dropIndex(index)
	await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on(table) : drop).execute()
}

async function replaceIndex(db: Kysely<any>, index: string, columns: string[]) {
	// Created under a temporary name first: on MySQL a foreign key on the first column needs an
	// index on it at every moment.
	await db.schema.createIndex(`${index}_next`).on('commitment').columns(columns).execute()
	await dropIndex(db, 'commitment', index)
	await db.schema.createIndex(index).on('commitment').columns(columns).execute()
	await dropIndex(db, 'commitment', `${index}_next`)
}

export async function up(db: Kysely<any>): Promise<void> {
	await replaceIndex(db, 'commitment_provider_idx', ['provider_org_id', 'status', 'due_at', 'verified_at'])
	await replaceIndex(db, 'commitment_verified_idx', ['status', 'verified_at', 'provider_org_id', 'village_code', 'need_id', 'amount'])
}

export async function down(db: Kysely<any>): Promise<void> {
	await replaceIndex(db, 'commitment_verified_idx', ['status', 'verified_at'])
	await replaceIndex(db, 'commitment_provider_idx', ['provider_org_id', 'status'])
}
