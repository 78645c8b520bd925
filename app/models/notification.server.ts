import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { newId } from '#app/utils/id.ts'

/** What a notification is about; each has a message `notification.kind.<kind>` in the locales. */
export const NOTIFICATION_KINDS = [
	'commitment_new', // a provider committed to my village's need
	'commitment_accepted',
	'commitment_declined',
	'commitment_withdrawn',
	'commitment_due_soon', // due in 3 days
	'commitment_overdue',
	'commitment_delivered',
	'commitment_verified',
	'commitment_disputed',
	'commitment_lapsed',
	'milestone_reported',
	'milestone_confirmed',
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

export type NotifyInput = {
	/** Every member of these orgs is told (verified or not: they may need to know why). */
	orgIds?: string[]
	accountIds?: string[]
	kind: NotificationKind
	entityType: string
	entityId: string
	/** Interpolation values for the message, e.g. { title, amount }. */
	params?: Record<string, string | number>
	/** Sent at most once per key (reminders); a repeat is silently skipped. */
	dedupeKey?: string
	/** Not told about their own action. */
	exceptAccountId?: string
}

/**
 * Adds a notification to each recipient's inbox. Call it inside the transaction that makes the
 * change, so a rolled-back change tells nobody. Returns how many were added.
 */
export async function notify(db: Kysely<DB>, input: NotifyInput, now = Date.now()): Promise<number> {
	const recipients = new Set(input.accountIds ?? [])
	if (input.orgIds?.length) {
		const members = await db.selectFrom('membership').select('accountId').where('orgId', 'in', input.orgIds).execute()
		for (const m of members) recipients.add(m.accountId)
	}
	if (input.exceptAccountId) recipients.delete(input.exceptAccountId)
	let added = 0
	for (const accountId of [...recipients].sort()) {
		const dedupeKey = input.dedupeKey ? `${input.dedupeKey}:${accountId}`.slice(0, 120) : null
		if (dedupeKey) {
			const seen = await db.selectFrom('notification').select('id').where('dedupeKey', '=', dedupeKey).executeTakeFirst()
			if (seen) continue
		}
		try {
			await db
				.insertInto('notification')
				.values({
					id: newId(now),
					accountId,
					kind: input.kind,
					entityType: input.entityType,
					entityId: input.entityId,
					params: JSON.stringify(input.params ?? {}),
					dedupeKey,
					readAt: null,
					emailedAt: null,
					createdAt: now,
				})
				.execute()
			added++
		} catch (error) {
			// Two job runners racing on the same reminder: the unique key lets one through.
			const e = error as { code?: string; message?: string }
			if (dedupeKey && (e.code === 'ER_DUP_ENTRY' || /UNIQUE constraint failed/.test(e.message ?? ''))) continue
			throw error
		}
	}
	return added
}
