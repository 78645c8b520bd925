// Pledging: a provider commits an amount (or quantity) to a published need, optionally drawing on
// one of its active offers. A pledge is non-binding and counts for nothing until the village
// accepts it; it lapses when not answered within COMMITMENT_LAPSE_DAYS.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { CommitmentStatus, DB, Measure, NeedCategory } from '#db/schema.ts'
import { chinaDayStart } from '#app/utils/china-date.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { recordEvent } from '../event.server.ts'
import { type CommitmentInput, commitmentSchema, formatFigure } from '../commitment.schema.ts'
import { MANAGERS, visibleScope } from '../need/authorize-need.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import { listCoveredRegionCodes } from '../offer.server.ts'
import { PROVIDER_KINDS } from '../organization.schema.ts'
import type { Actor } from '../policy.server.ts'
import { covers } from '../region-code.ts'
import { lockForUpdate } from './lock-commitment.server.ts'
import { notifyCommitment, requeueForSearch } from './notify-commitment.server.ts'
import { committedToNeed, committedToOffer } from './sum-commitment.server.ts'

const DAY = 86_400_000
export const DEFAULT_COMMITMENT_LAPSE_DAYS = 14

/** COMMITMENT_LAPSE_DAYS (whole days 1–365), else 14: how long a pledge waits for the village. */
export function commitmentLapseDays(source: Record<string, string | undefined> = process.env): number {
	const raw = source.COMMITMENT_LAPSE_DAYS?.trim()
	if (!raw || !/^\d{1,3}$/.test(raw)) return DEFAULT_COMMITMENT_LAPSE_DAYS
	const days = Number(raw)
	return days >= 1 && days <= 365 ? days : DEFAULT_COMMITMENT_LAPSE_DAYS
}

/**
 * The stored key: a hash of who submitted, for which need, with which form key. So one account's
 * key can never collide with (or replay) another's, and the column stays 64 characters.
 */
function storedKey(accountId: string, needId: string, formKey: string): string {
	return createHash('sha256').update(`${accountId}\n${needId}\n${formKey}`).digest('hex')
}

function isUniqueViolation(error: unknown): boolean {
	const e = error as { code?: string; message?: string }
	return e?.code === 'ER_DUP_ENTRY' || /UNIQUE constraint failed/.test(e?.message ?? '')
}

async function findByKey(db: Kysely<DB>, key: string) {
	return db.selectFrom('commitment').select(['id', 'status']).where('idempotencyKey', '=', key).executeTakeFirst()
}

export type CreatedCommitment = { id: string; status: CommitmentStatus; replayed: boolean }

/** Why the actor may not pledge for `orgId`. */
async function whyNotProvider(db: Kysely<DB>, orgId: string, actor: Actor): Promise<AppError> {
	const org = await db.selectFrom('organization').select(['kind', 'status']).where('id', '=', orgId).executeTakeFirst()
	if (!org) return AppError.invalid({ providerOrgId: 'errors.org_not_found' })
	if (!(PROVIDER_KINDS as readonly string[]).includes(org.kind)) return AppError.forbidden('errors.commitment_org_not_provider')
	const member = await db.selectFrom('membership').select('role').where('orgId', '=', orgId).where('accountId', '=', actor.accountId).executeTakeFirst()
	if (!member) return AppError.forbidden('errors.commitment_not_provider')
	if (org.status !== 'verified') return AppError.forbidden('errors.org_not_verified')
	return AppError.forbidden('errors.not_org_admin')
}

type NeedHead = { id: string; villageCode: string; category: NeedCategory; measure: Measure; unit: string | null }
type OfferHead = {
	id: string
	providerOrgId: string
	status: string
	measure: Measure
	unit: string | null
	capacity: number | null
	validFrom: number
	validUntil: number
}

/** The offer a pledge draws on: the provider's own, active, same measure and unit, fitting the need. */
async function checkOffer(db: Kysely<DB>, offer: OfferHead | undefined, providerOrgId: string, need: NeedHead, now: number) {
	const fail = (key: string) => AppError.invalid({ offerId: key })
	if (!offer || offer.providerOrgId !== providerOrgId) throw fail('errors.commitment_offer_not_found')
	if (offer.status !== 'active') throw fail('errors.commitment_offer_not_active')
	if (offer.measure !== need.measure || (need.measure === 'quantity' && offer.unit !== need.unit)) throw fail('errors.commitment_offer_measure')
	const category = await db.selectFrom('offerCategory').select('offerId').where('offerId', '=', offer.id).where('category', '=', need.category).executeTakeFirst()
	if (!category) throw fail('errors.commitment_offer_category')
	// [] is nationwide, null covers nowhere (a 'pairings' offer without pairings): never the same.
	const codes = await listCoveredRegionCodes(db, offer.id)
	if (codes === null || codes === undefined || (codes.length > 0 && !codes.some((code) => covers(code, need.villageCode)))) throw fail('errors.commitment_offer_coverage')
	const today = chinaDayStart(now)
	if (Number(offer.validFrom) > today || Number(offer.validUntil) < today) throw fail('errors.commitment_offer_window')
}

/**
 * A provider (owner/admin of a verified provider org named by `providerOrgId` in the form, and not
 * a member of the need's village) pledges to a published need. Refused with a field error on
 * `amount` naming what remains when it exceeds the need's remaining gap or the offer's remaining
 * capacity (re-checked for real when the village accepts). A repeated `idempotencyKey` (a
 * double-submitted form) returns the first commitment with `replayed: true` and writes nothing.
 * One transaction: the row, its event, the search outbox, and the village's notification.
 */
export async function createCommitment(
	db: Kysely<DB>,
	needId: string,
	raw: CommitmentInput | Record<string, unknown>,
	actor: Actor,
	now = Date.now(),
	options: { lapseDays?: number } = {},
): Promise<CreatedCommitment> {
	const visible = await db.selectFrom('need').select(['need.id', 'need.measure']).where('need.id', '=', needId).where(visibleScope(actor)).executeTakeFirst()
	if (!visible) throw AppError.notFound('errors.need_not_found')
	const input = parseInput(commitmentSchema({ measure: visible.measure, now: () => now }), raw)
	const key = input.idempotencyKey ? storedKey(actor.accountId, needId, input.idempotencyKey) : null
	if (key) {
		const first = await findByKey(db, key)
		if (first) return { id: first.id, status: first.status, replayed: true }
	}
	const lapseDays = options.lapseDays ?? commitmentLapseDays()
	try {
		return await db.transaction().execute(async (trx): Promise<CreatedCommitment> => {
			// Locks before any plain read, in the order accepting takes them: need, then offer.
			const need = await lockForUpdate(
				trx.selectFrom('need').select(['id', 'status', 'villageOrgId', 'villageCode', 'category', 'measure', 'unit', 'target']).where('id', '=', needId),
				trx,
			).executeTakeFirstOrThrow()
			const offer = input.offerId
				? await lockForUpdate(
						trx.selectFrom('offer').select(['id', 'providerOrgId', 'status', 'measure', 'unit', 'capacity', 'validFrom', 'validUntil']).where('id', '=', input.offerId),
						trx,
					).executeTakeFirst()
				: undefined
			if (key) {
				// A twin submission that held the lock before us has committed by now.
				const first = await findByKey(trx, key)
				if (first) return { id: first.id, status: first.status, replayed: true }
			}
			const org = await trx
				.selectFrom('organization')
				.innerJoin('membership', 'membership.orgId', 'organization.id')
				.select('organization.id')
				.where('organization.id', '=', input.providerOrgId)
				.where('organization.status', '=', 'verified')
				.where('organization.kind', 'in', [...PROVIDER_KINDS])
				.where('membership.accountId', '=', actor.accountId)
				.where('membership.role', 'in', [...MANAGERS])
				.executeTakeFirst()
			if (!org) throw await whyNotProvider(trx, input.providerOrgId, actor)
			// Nobody commits to a village they also speak for (they would accept their own pledge).
			const own = await trx.selectFrom('membership').select('orgId').where('orgId', '=', need.villageOrgId).where('accountId', '=', actor.accountId).executeTakeFirst()
			if (own) throw AppError.forbidden('errors.commitment_own_village')
			if (need.status !== 'published') throw AppError.conflict('errors.commitment_need_not_open')
			if (input.offerId) await checkOffer(trx, offer, input.providerOrgId, need, now)

			const target = Number(need.target)
			const gap = Math.max(target - (await committedToNeed(trx, needId)), 0)
			if (input.amount > gap) throw AppError.invalid({ amount: msg('errors.commit_exceeds_gap', { remaining: formatFigure(need.measure, gap, need.unit) }) })
			if (offer && offer.capacity !== null) {
				const left = Math.max(Number(offer.capacity) - (await committedToOffer(trx, offer.id)), 0)
				if (input.amount > left) throw AppError.invalid({ amount: msg('errors.commit_exceeds_capacity', { remaining: formatFigure(need.measure, left, need.unit) }) })
			}

			const id = newId(now)
			const row = {
				id,
				needId,
				offerId: input.offerId,
				providerOrgId: input.providerOrgId,
				villageOrgId: need.villageOrgId,
				villageCode: need.villageCode,
				amount: input.amount,
			}
			await trx
				.insertInto('commitment')
				.values({
					...row,
					deliveredAmount: null,
					status: 'pledged',
					message: input.message,
					dueAt: input.dueAt,
					lapseAt: now + lapseDays * DAY,
					statusReason: null,
					idempotencyKey: key,
					acceptedAt: null,
					deliveryStartedAt: null,
					deliveredAt: null,
					verifiedAt: null,
					verifiedBy: null,
					closedAt: null,
					createdBy: actor.accountId,
					createdAt: now,
					updatedAt: now,
				})
				.execute()
			await recordEvent(
				trx,
				{ entityType: 'commitment', entityId: id, action: 'create', toState: 'pledged', actorAccountId: actor.accountId, actorOrgId: input.providerOrgId, requestId: actor.requestId },
				now,
			)
			await requeueForSearch(trx, row, now)
			await notifyCommitment(trx, row, 'commitment_new', ['village'], actor.accountId, now)
			return { id, status: 'pledged', replayed: false }
		})
	} catch (error) {
		// Two submissions of one form racing past both checks: the unique key lets one through.
		if (key && isUniqueViolation(error)) {
			const first = await findByKey(db, key)
			if (first) return { id: first.id, status: first.status, replayed: true }
		}
		throw error
	}
}
