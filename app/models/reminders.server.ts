// Due-date reminders for commitments being delivered. Sent once per recipient through notify()'s
// dedupe keys (a unique index), so the job may run often, twice, or in two processes at once.
import type { Kysely } from 'kysely'
import type { CommitmentStatus, DB } from '#db/schema.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { fenToYuan } from '#app/utils/money.ts'
import { type NotificationKind, notify } from './notification.server.ts'

/** The provider is reminded when the due date is at most this many days away. */
export const DUE_SOON_DAYS = 3
const REMINDED_STATUSES: CommitmentStatus[] = ['accepted', 'in_delivery']
const BATCH = 200

// NOTE: a due date is a China calendar day (stored as its midnight, like a need's needed-by), and
// the whole day counts: a commitment is overdue once the day after its due date has begun.
/** Whether a commitment due at `dueAt` is past due at `now` (agrees with the commitment model's isOverdue). */
export function isPastDue(dueAt: number, now: number): boolean {
	return dueAt < chinaDayStart(now)
}

/** '¥12,345.6'-style money for fen, or the quantity with its unit: the `amount` message param. */
function formatAmount(measure: string, value: number, unit: string | null): string {
	if (measure === 'amount') {
		const [yuan, fraction] = fenToYuan(value).split('.')
		return `¥${Number(yuan).toLocaleString('en-US')}${fraction ? `.${fraction.padEnd(2, '0')}` : ''}`
	}
	return `${value.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`
}

type Reminder = { kind: NotificationKind; key: 'due_soon' | 'overdue'; orgIds: (c: { providerOrgId: string; villageOrgId: string }) => string[] }
const DUE_SOON: Reminder = { kind: 'commitment_due_soon', key: 'due_soon', orgIds: (c) => [c.providerOrgId] }
const OVERDUE: Reminder = { kind: 'commitment_overdue', key: 'overdue', orgIds: (c) => [c.providerOrgId, c.villageOrgId] }

/**
 * Sends `commitment_due_soon` to the provider org's members when an accepted or in-delivery
 * commitment is due within DUE_SOON_DAYS, and `commitment_overdue` to the members of both orgs
 * once it is past due. Returns how many notifications were added (0 on a repeat run).
 */
export async function sendCommitmentReminders(db: Kysely<DB>, now = Date.now()): Promise<{ dueSoon: number; overdue: number }> {
	const today = chinaDayStart(now)
	const counts = { dueSoon: 0, overdue: 0 }
	let after = ''
	for (;;) {
		const batch = await db
			.selectFrom('commitment')
			.innerJoin('need', 'need.id', 'commitment.needId')
			.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
			.select([
				'commitment.id',
				'commitment.providerOrgId',
				'commitment.villageOrgId',
				'commitment.amount',
				'commitment.dueAt',
				'need.title',
				'need.measure',
				'need.unit',
				'provider.name as providerName',
			])
			.where('commitment.status', 'in', REMINDED_STATUSES)
			.where('commitment.dueAt', '<', today + (DUE_SOON_DAYS + 1) * DAY_MS)
			.where('commitment.id', '>', after)
			.orderBy('commitment.id')
			.limit(BATCH)
			.execute()
		if (!batch.length) break
		after = batch[batch.length - 1].id

		// Most of these were reminded on an earlier run: look their keys up in one query and call
		// notify() only where a recipient is still missing one (notify itself stays the guard).
		const orgIds = [...new Set(batch.flatMap((c) => [c.providerOrgId, c.villageOrgId]))]
		const members = await db.selectFrom('membership').select(['orgId', 'accountId']).where('orgId', 'in', orgIds).execute()
		const membersOf = new Map<string, string[]>()
		for (const m of members) membersOf.set(m.orgId, [...(membersOf.get(m.orgId) ?? []), m.accountId])
		const planned = batch.map((c) => {
			const reminder = isPastDue(Number(c.dueAt), now) ? OVERDUE : DUE_SOON
			const dedupeKey = `${reminder.key}:${c.id}`
			const keys = reminder.orgIds(c).flatMap((orgId) => (membersOf.get(orgId) ?? []).map((accountId) => `${dedupeKey}:${accountId}`))
			return { c, reminder, dedupeKey, keys }
		})
		const wanted = planned.flatMap((p) => p.keys)
		const seen = new Set<string>()
		for (let i = 0; i < wanted.length; i += 500) {
			const rows = await db.selectFrom('notification').select('dedupeKey').where('dedupeKey', 'in', wanted.slice(i, i + 500)).execute()
			for (const r of rows) if (r.dedupeKey) seen.add(r.dedupeKey)
		}

		for (const { c, reminder, dedupeKey, keys } of planned) {
			if (keys.every((k) => seen.has(k))) continue
			const added = await notify(
				db,
				{
					orgIds: reminder.orgIds(c),
					kind: reminder.kind,
					entityType: 'commitment',
					entityId: c.id,
					params: {
						title: c.title,
						provider: c.providerName,
						amount: formatAmount(c.measure, Number(c.amount), c.unit),
						due: formatChinaDate(Number(c.dueAt)),
					},
					dedupeKey,
				},
				now,
			)
			if (reminder === OVERDUE) counts.overdue += added
			else counts.dueSoon += added
		}
	}
	return counts
}
