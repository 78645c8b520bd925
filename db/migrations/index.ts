// The list of migrations, in order. A static list (not a directory scan) so the same set runs
// from scripts, tests and the built server alike.
import type { Migration, MigrationProvider } from 'kysely'
import * as m202611230900 from './202611230900_create_foundation.ts'
import * as m202611231000 from './202611231000_create_marketplace.ts'
import * as m202611231200 from './202611231200_create_commitments.ts'
import * as m202611231300 from './202611231300_suggestion_indexes.ts'
import * as m202611240900 from './202611240900_suggestion_speedups.ts'
import * as m202611241000 from './202611241000_create_supervision.ts'
import * as m202611241100 from './202611241100_create_api_tokens.ts'
import * as m202612080900 from './202612080900_scale_indexes.ts'

export const migrations: Record<string, Migration> = {
	'202611230900_create_foundation': m202611230900,
	'202611231000_create_marketplace': m202611231000,
	'202611231200_create_commitments': m202611231200,
	'202611231300_suggestion_indexes': m202611231300,
	'202611240900_suggestion_speedups': m202611240900,
	'202611241000_create_supervision': m202611241000,
	'202611241100_create_api_tokens': m202611241100,
	'202612080900_scale_indexes': m202612080900,
}

export const migrationProvider: MigrationProvider = {
	getMigrations: async () => migrations,
}
