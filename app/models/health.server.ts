import { type Kysely, sql } from 'kysely'
import type { DB } from '#db/schema.ts'

export async function pingDatabase(db: Kysely<DB>): Promise<boolean> {
	try {
		await sql`select 1`.execute(db)
		return true
	} catch {
		return false
	}
}
