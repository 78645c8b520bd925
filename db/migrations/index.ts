// The list of migrations, in order. A static list (not a directory scan) so the same set runs
// from scripts, tests and the built server alike.
import type { Migration, MigrationProvider } from 'kysely'
import * as m202611230900 from './202611230900_create_foundation.ts'

export const migrations: Record<string, Migration> = {
	'202611230900_create_foundation': m202611230900,
}

export const migrationProvider: MigrationProvider = {
	getMigrations: async () => migrations,
}
