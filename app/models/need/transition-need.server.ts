// The need lifecycle after creation: submit, review (publish / return / reject), close, cancel,
// reconfirm, mark duplicate. Each transition is one update whose where holds the expected status,
// the permission and any guard; when it changes nothing, the cause is diagnosed in order
// not_found → forbidden → invalid (guard) → conflict, and nothing is written.
import type { z } from 'zod'
import { type Kysely, type RawBuilder, type SqlBool, type Transaction, type Updateable, sql } from 'kysely'
import type { DB, MemberRole, NeedStatus, NeedTable } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { recordEvent } from '../event.server.ts'
import { type CancelNeedInput, CancelNeedSchema, type CloseNeedInput, CloseNeedSchema, type MarkDuplicateInput, MarkDuplicateSchema, type ReconfirmNeedInput, type ReviewNeedInput, ReviewNeedSchema, reconfirmNeedSchema } from '../need.schema.ts'
import { chinaDayStart } from '#app/utils/china-date.ts'
import type { Actor } from '../policy.server.ts'
import { MANAGERS, type NeedSide, assertPermitted, canActForVillage, officialOrgFor, sideScope, visibleScope } from './authorize-need.server.ts'

type NeedHead = { id: string; status: NeedStatus; villageOrgId: string; villageCode: string; neededBy: number }

type Transition = {
	action: string
	from: readonly NeedStatus[]
	to: NeedStatus
	side: NeedSide
	roles?: readonly MemberRole[]
	/** i18n key of the conflict when the need is not in one of `from`. */
	conflict: string
	note?: string
	set?: Updateable<NeedTable>
	/** An extra condition on the row; when only it fails, `fields` is the error. */
	guard?: { where: RawBuilder<SqlBool>; holds: (need: NeedHead) => boolean; fields: Record<string, string> }
	/** Runs after the row is read, before the update (e.g. checks on another row). */
	prepare?: (trx: Transaction<DB>, need: NeedHead) => Promise<void>
}

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
	const parsed = schema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	return parsed.data
}

/** Applies one transition in its own transaction: update, event, search outbox. */
async function transition(db: Kysely<DB>, needId: string, t: Transition, actor: Actor, now: number) {
	return db.transaction().execute(async (trx) => {
		const need = await trx.selectFrom('need').select(['id', 'status', 'villageOrgId', 'villageCode', 'neededBy']).where('id', '=', needId).executeTakeFirst()
		if (!need) throw AppError.notFound()
		await t.prepare?.(trx, need)
		let update = trx
			.updateTable('need')
			.set({ ...t.set, status: t.to, updatedAt: now })
			.where('id', '=', needId)
			// Pinned to the status just read, so the event's `from` is exact even under concurrency.
			.where('status', '=', need.status)
			.where('status', 'in', [...t.from])
			.where(sideScope(actor, t.side, t.roles ?? MANAGERS))
		if (t.guard) update = update.where(t.guard.where)
		const result = await update.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			await assertPermitted(trx, need, actor, t.side, t.roles ?? MANAGERS)
			if (t.guard && t.from.includes(need.status) && !t.guard.holds(need)) throw AppError.invalid(t.guard.fields)
			throw AppError.conflict(t.conflict)
		}
		const actorOrgId =
			t.side !== 'official' && canActForVillage(actor, need.villageOrgId) ? need.villageOrgId : officialOrgFor(actor, need.villageCode)
		await recordEvent(
			trx,
			{
				entityType: 'need',
				entityId: needId,
				action: t.action,
				fromState: need.status,
				toState: t.to,
				note: t.note ?? '',
				actorAccountId: actor.accountId,
				actorOrgId,
				requestId: actor.requestId,
			},
			now,
		)
		await enqueueSearch(trx, 'need', needId, now)
		return { from: need.status, status: t.to }
	})
}

/** The village (owner/admin) sends a draft or returned need for review. Its needed-by date must not have passed. */
export async function submitNeed(db: Kysely<DB>, needId: string, actor: Actor, now = Date.now()) {
	const today = chinaDayStart(now)
	return transition(
		db,
		needId,
		{
			action: 'submit',
			from: ['draft', 'returned'],
			to: 'submitted',
			side: 'village',
			conflict: 'errors.need_not_submittable',
			set: { submittedAt: now, statusNote: null },
			guard: { where: sql<SqlBool>`need.needed_by >= ${today}`, holds: (n) => n.neededBy >= today, fields: { neededBy: 'validation.date_in_past' } },
		},
		actor,
		now,
	)
}

/** A county or township official (or a national admin) decides on a submitted need. */
export async function reviewNeed(db: Kysely<DB>, needId: string, raw: ReviewNeedInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(ReviewNeedSchema, raw)
	const note = input.decision === 'publish' ? (input.note ?? '') : input.reason
	const to: NeedStatus = input.decision === 'publish' ? 'published' : input.decision === 'return' ? 'returned' : 'rejected'
	return transition(
		db,
		needId,
		{
			action: input.decision,
			from: ['submitted'],
			to,
			side: 'official',
			conflict: 'errors.need_not_submitted',
			note,
			set: {
				reviewedBy: actor.accountId,
				reviewedAt: now,
				statusNote: note || null,
				...(to === 'published' ? { publishedAt: now } : {}),
			},
		},
		actor,
		now,
	)
}

/**
 * Closes a published need. For now by hand, with a note, by the village (owner/admin) or a
 * reviewing official; NOTE: commitments will close needs once fully verified (later issue).
 */
export async function closeNeed(db: Kysely<DB>, needId: string, raw: CloseNeedInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { note } = parseInput(CloseNeedSchema, raw)
	return transition(
		db,
		needId,
		{ action: 'close', from: ['published'], to: 'closed', side: 'either', conflict: 'errors.need_not_published', note, set: { closedAt: now, statusNote: note } },
		actor,
		now,
	)
}

/** The village (owner/admin) withdraws a need that is not yet finished, with a reason. */
export async function cancelNeed(db: Kysely<DB>, needId: string, raw: CancelNeedInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { reason } = parseInput(CancelNeedSchema, raw)
	return transition(
		db,
		needId,
		{
			action: 'cancel',
			from: ['draft', 'submitted', 'returned', 'published'],
			to: 'cancelled',
			side: 'village',
			conflict: 'errors.need_not_cancellable',
			note: reason,
			set: { statusNote: reason },
		},
		actor,
		now,
	)
}

/** The village (owner/admin) confirms a published or expired need is still wanted, with a new needed-by date after today. */
export async function reconfirmNeed(db: Kysely<DB>, needId: string, raw: ReconfirmNeedInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { neededBy } = parseInput(reconfirmNeedSchema(() => now), raw)
	return transition(
		db,
		needId,
		{
			action: 'reconfirm',
			from: ['published', 'expired'],
			to: 'published',
			side: 'village',
			conflict: 'errors.need_not_reconfirmable',
			set: { neededBy, statusNote: null },
		},
		actor,
		now,
	)
}

/**
 * A reviewing official marks the need as a duplicate of another need they can see. The need is
 * kept and linked through duplicate_of.
 */
export async function markNeedDuplicate(db: Kysely<DB>, needId: string, raw: MarkDuplicateInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { duplicateOf, note } = parseInput(MarkDuplicateSchema, raw)
	return transition(
		db,
		needId,
		{
			action: 'mark_duplicate',
			from: ['submitted', 'returned', 'published', 'expired'],
			to: 'duplicate',
			side: 'official',
			conflict: 'errors.need_not_duplicable',
			note: note ?? '',
			set: { duplicateOf, reviewedBy: actor.accountId, reviewedAt: now, statusNote: note ?? null },
			prepare: async (trx, need) => {
				// Permission first, so a stranger learns nothing about the other need.
				await assertPermitted(trx, need, actor, 'official')
				if (duplicateOf === needId) throw AppError.invalid({ duplicateOf: 'errors.need_duplicate_self' })
				const target = await trx.selectFrom('need').select(['id', 'status']).where('id', '=', duplicateOf).where(visibleScope(actor)).executeTakeFirst()
				if (!target) throw AppError.invalid({ duplicateOf: 'errors.need_duplicate_target_not_found' })
				if (['draft', 'rejected', 'cancelled', 'duplicate'].includes(target.status)) throw AppError.invalid({ duplicateOf: 'errors.need_duplicate_target_invalid' })
			},
		},
		actor,
		now,
	)
}
