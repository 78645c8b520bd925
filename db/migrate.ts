import { type Kysely, Migrator, NO_MIGRATIONS } from 'kysely'
import { migrationProvider } from './migrations/index.ts'

export function createMigrator(db: Kysely<any>) {
	return new Migrator({ db, provider: migrationProvider })
}

/** Brings the schema to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>) {
	const { error, results } = await createMigrator(db).migrateToLatest()
	if (error) {
		const failed = results?.find((r) => r.status === 'Error')
		throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String((error as Error).message ?? error)}`)
	}
	return results ?? []
}

/** Undoes every migration (tests and `db:migrate -- --down all`). */
export async function migrateDownAll(db: Kysely<any>) {
	const { error, results } = await createMigrator(db).migrateTo(NO_MIGRATIONS)
	if (error) throw error
	return results ?? []
}
