// Our own lucia 3 adapter over Kysely, so sessions live in the same database on both dialects.
// Lucia is no longer developed upstream: everything lucia-specific stays in this file and
// auth.server.ts, behind functions the rest of the app calls (see docs/decisions/003).
import type { Adapter, DatabaseSession, DatabaseUser } from 'lucia'
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'

export class KyselyLuciaAdapter implements Adapter {
	constructor(private readonly db: () => Kysely<DB>) {}

	async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
		const row = await this.db()
			.selectFrom('session')
			.innerJoin('account', 'account.id', 'session.accountId')
			.select([
				'session.id as sessionId',
				'session.accountId',
				'session.expiresAt',
				'session.ip',
				'session.userAgent',
				'account.username',
				'account.displayName',
				'account.email',
				'account.isNationalAdmin',
				'account.locale',
			])
			.where('session.id', '=', sessionId)
			.executeTakeFirst()
		if (!row) return [null, null]
		return [
			{ id: row.sessionId, userId: row.accountId, expiresAt: new Date(row.expiresAt), attributes: { ip: row.ip, userAgent: row.userAgent } },
			{
				id: row.accountId,
				attributes: {
					username: row.username,
					displayName: row.displayName,
					email: row.email,
					isNationalAdmin: row.isNationalAdmin,
					locale: row.locale,
				},
			},
		]
	}

	async getUserSessions(userId: string): Promise<DatabaseSession[]> {
		const rows = await this.db().selectFrom('session').selectAll().where('accountId', '=', userId).execute()
		return rows.map((r) => ({ id: r.id, userId: r.accountId, expiresAt: new Date(r.expiresAt), attributes: { ip: r.ip, userAgent: r.userAgent } }))
	}

	async setSession(session: DatabaseSession): Promise<void> {
		await this.db()
			.insertInto('session')
			.values({
				id: session.id,
				accountId: session.userId,
				expiresAt: session.expiresAt.getTime(),
				createdAt: Date.now(),
				ip: session.attributes.ip ?? null,
				userAgent: session.attributes.userAgent?.slice(0, 255) ?? null,
			})
			.execute()
	}

	async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
		await this.db().updateTable('session').set({ expiresAt: expiresAt.getTime() }).where('id', '=', sessionId).execute()
	}

	async deleteSession(sessionId: string): Promise<void> {
		await this.db().deleteFrom('session').where('id', '=', sessionId).execute()
	}

	async deleteUserSessions(userId: string): Promise<void> {
		await this.db().deleteFrom('session').where('accountId', '=', userId).execute()
	}

	async deleteExpiredSessions(): Promise<void> {
		await this.db().deleteFrom('session').where('expiresAt', '<=', Date.now()).execute()
	}
}
