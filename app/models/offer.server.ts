// Offers: what an assistance provider can give (DOMAIN.md). Lifecycle:
//   draft → active (publish) ⇄ paused; draft | active | paused → withdrawn (with a note);
//   active | paused → expired (expireOffers, past valid_until). "Exhausted" is derived.
// Any member of a verified provider org may create and edit drafts; owners and admins publish,
// pause, resume, withdraw and edit paused offers.
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import type { DB, MemberRole, NeedCategory, OfferStatus } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { lockForUpdate } from './commitment/lock-commitment.server.ts'
import { COUNTED_STATUSES, committedByOffer, committedToOffer } from './commitment/sum-commitment.server.ts'
import { formatFigure } from './commitment.schema.ts'
import { recordEvent } from './event.server.ts'
import { NEED_CATEGORIES, categoryMask } from './marketplace-vocab.ts'
import { type OfferAction, type OfferData, type OfferInput, OfferSchema, type OfferTransitionInput, OfferTransitionSchema } from './offer.schema.ts'
import { chinaDayStart } from '#app/utils/china-date.ts'
import { PROVIDER_KINDS } from './organization.schema.ts'
import { type Actor, roleAtLeast } from './policy.server.ts'
import { fullNames } from './region.server.ts'

const MANAGER_ROLES: MemberRole[] = ['owner', 'admin']

const TRANSITIONS: Record<OfferAction, { from: OfferStatus[]; to: OfferStatus }> = {
	publish: { from: ['draft'], to: 'active' },
	pause: { from: ['active'], to: 'paused' },
	resume: { from: ['paused'], to: 'active' },
	withdraw: { from: ['draft', 'active', 'paused'], to: 'withdrawn' },
}
const EDITABLE: OfferStatus[] = ['draft', 'paused']

/**
 * The actor belongs to the offer's provider org, that org is verified, and the role suffices:
 * owner/admin always, a plain member only while the offer is a draft (when `draftsByMembers`).
 * Correlated on `offer`: use it in a query over the offer table.
 */
function mayManage(actor: Actor, options: { draftsByMembers?: boolean } = {}) {
	return (eb: ExpressionBuilder<DB, 'offer'>): Expression<SqlBool> =>
		eb.exists(
			eb
				.selectFrom('membership')
				.innerJoin('organization', 'organization.id', 'membership.orgId')
				.select(sql`1`.as('one'))
				.whereRef('membership.orgId', '=', 'offer.providerOrgId')
				.where('membership.accountId', '=', actor.accountId)
				.where('organization.status', '=', 'verified')
				.where((inner) =>
					options.draftsByMembers
						? inner.or([inner('membership.role', 'in', MANAGER_ROLES), inner('offer.status', '=', 'draft')])
						: inner('membership.role', 'in', MANAGER_ROLES),
				),
		)
}

/** Why `actor` may not manage an offer of `providerOrgId`: the forbidden message to throw. */
async function whyForbidden(db: Kysely<DB>, providerOrgId: string, actor: Actor, needsManager: boolean): Promise<AppError> {
	const mine = await db
		.selectFrom('membership')
		.innerJoin('organization', 'organization.id', 'membership.orgId')
		.select(['membership.role', 'organization.status'])
		.where('membership.orgId', '=', providerOrgId)
		.where('membership.accountId', '=', actor.accountId)
		.executeTakeFirst()
	if (!mine) return AppError.forbidden()
	if (mine.status !== 'verified') return AppError.forbidden('errors.org_not_verified')
	if (needsManager && !roleAtLeast(mine.role, 'admin')) return AppError.forbidden('errors.not_org_admin')
	return AppError.forbidden()
}

/** Field errors that need the clock or the db; the schema has already checked everything else. */
async function checkOfferData(db: Kysely<DB>, data: OfferData, now: number) {
	const fields: Record<string, string> = {}
	if (data.validUntil < chinaDayStart(now)) fields.validUntil = 'errors.date_in_past'
	if (data.regionCodes.length) {
		const found = await db.selectFrom('region').select('code').distinct().where('code', 'in', data.regionCodes).execute()
		const have = new Set(found.map((r) => r.code))
		const missing = data.regionCodes.filter((c) => !have.has(c))
		if (missing.length) fields.regionCodes = msg('errors.regions_not_found', { codes: missing.slice(0, 5).join('、') })
	}
	if (Object.keys(fields).length) throw AppError.invalid(fields)
}

function parseOffer(raw: unknown): OfferData {
	const parsed = OfferSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	return parsed.data
}

async function writeChildren(trx: Kysely<DB>, offerId: string, data: OfferData) {
	await trx.deleteFrom('offerCategory').where('offerId', '=', offerId).execute()
	await trx.deleteFrom('offerRegion').where('offerId', '=', offerId).execute()
	await trx.insertInto('offerCategory').values(data.categories.map((category) => ({ offerId, category }))).execute()
	await trx.updateTable('offer').set({ categoryMask: categoryMask(data.categories) }).where('id', '=', offerId).execute()
	if (data.regionCodes.length) await trx.insertInto('offerRegion').values(data.regionCodes.map((regionCode) => ({ offerId, regionCode }))).execute()
}

/**
 * Creates a draft offer for `orgId`. The actor must be a member (any role) of that org, which must
 * be a verified provider (PROVIDER_KINDS: not a village or government). Nothing is written on any error.
 */
export async function createOffer(db: Kysely<DB>, orgId: string, raw: OfferInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const data = parseOffer(raw)
	await checkOfferData(db, data, now)
	return db.transaction().execute(async (trx) => {
		const org = await trx
			.selectFrom('organization')
			.innerJoin('membership', 'membership.orgId', 'organization.id')
			.select('organization.id')
			.where('organization.id', '=', orgId)
			.where('membership.accountId', '=', actor.accountId)
			.where('organization.status', '=', 'verified')
			.where('organization.kind', 'in', [...PROVIDER_KINDS])
			.executeTakeFirst()
		if (!org) {
			const row = await trx.selectFrom('organization').select(['kind']).where('id', '=', orgId).executeTakeFirst()
			if (!row) throw AppError.notFound('errors.org_not_found')
			if (!(PROVIDER_KINDS as readonly string[]).includes(row.kind)) throw AppError.forbidden('errors.org_cannot_offer')
			throw await whyForbidden(trx, orgId, actor, false)
		}
		const id = newId(now)
		await trx
			.insertInto('offer')
			.values({
				id,
				providerOrgId: orgId,
				title: data.title,
				description: data.description,
				measure: data.measure,
				unit: data.unit,
				capacity: data.capacity,
				coverage: data.coverage,
				categoryMask: categoryMask(data.categories),
				validFrom: data.validFrom,
				validUntil: data.validUntil,
				status: 'draft',
				statusNote: null,
				publishedAt: null,
				createdBy: actor.accountId,
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		await writeChildren(trx, id, data)
		await recordEvent(trx, { entityType: 'offer', entityId: id, action: 'create', toState: 'draft', actorAccountId: actor.accountId, actorOrgId: orgId, requestId: actor.requestId }, now)
		await enqueueSearch(trx, 'offer', id, now)
		return { id }
	})
}

/**
 * Replaces an offer's fields, categories and regions. Drafts: any member of the provider; paused
 * offers: owners and admins; other statuses cannot be edited (pause first). While commitments draw
 * on the offer, its capacity may not drop below what they have committed (accepted or later), and
 * its measure and unit may not change while any live one (pledged or accepted-or-later) uses it.
 */
export async function updateOffer(db: Kysely<DB>, offerId: string, raw: OfferInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const data = parseOffer(raw)
	await checkOfferData(db, data, now)
	return db.transaction().execute(async (trx) => {
		// Locked before any plain read, as accepting a commitment locks it (lock-commitment.server.ts).
		const before = await lockForUpdate(trx.selectFrom('offer').select(['measure', 'unit']).where('id', '=', offerId), trx).executeTakeFirst()
		const result = await trx
			.updateTable('offer')
			.set({
				title: data.title,
				description: data.description,
				measure: data.measure,
				unit: data.unit,
				capacity: data.capacity,
				coverage: data.coverage,
				validFrom: data.validFrom,
				validUntil: data.validUntil,
				updatedAt: now,
			})
			.where('id', '=', offerId)
			.where('status', 'in', EDITABLE)
			.where(mayManage(actor, { draftsByMembers: true }))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const row = await trx.selectFrom('offer').select(['status', 'providerOrgId']).where('id', '=', offerId).executeTakeFirst()
			if (!row) throw AppError.notFound()
			const allowed = await trx.selectFrom('offer').select('id').where('id', '=', offerId).where(mayManage(actor, { draftsByMembers: true })).executeTakeFirst()
			if (!allowed) throw await whyForbidden(trx, row.providerOrgId, actor, row.status !== 'draft')
			throw AppError.conflict('errors.offer_not_editable')
		}
		// Throwing below rolls the update back.
		if (before && (before.measure !== data.measure || before.unit !== data.unit)) {
			const live = await trx
				.selectFrom('commitment')
				.select('id')
				.where('offerId', '=', offerId)
				.where('status', 'in', ['pledged', ...COUNTED_STATUSES])
				.limit(1)
				.executeTakeFirst()
			if (live) throw AppError.invalid({ measure: 'errors.offer_measure_committed' })
		}
		if (data.capacity !== null) {
			const used = await committedToOffer(trx, offerId)
			if (data.capacity < used) throw AppError.invalid({ capacity: msg('errors.offer_capacity_below_committed', { committed: formatFigure(data.measure, used, data.unit) }) })
		}
		const row = await trx.selectFrom('offer').select(['status', 'providerOrgId']).where('id', '=', offerId).executeTakeFirstOrThrow()
		await writeChildren(trx, offerId, data)
		await recordEvent(trx, { entityType: 'offer', entityId: offerId, action: 'update', actorAccountId: actor.accountId, actorOrgId: row.providerOrgId, requestId: actor.requestId }, now)
		await enqueueSearch(trx, 'offer', offerId, now)
		return { status: row.status }
	})
}

/**
 * Publish, pause, resume or withdraw (owners and admins of the verified provider). Publishing and
 * resuming need a validity window that has not ended and, for coverage 'pairings', at least one
 * active pairing. The permission and status checks are in the update's where.
 */
export async function transitionOffer(db: Kysely<DB>, offerId: string, raw: OfferTransitionInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const parsed = OfferTransitionSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	const { from, to } = TRANSITIONS[input.action]
	const note = 'note' in input ? (input.note ?? null) : null
	const goesLive = to === 'active'
	const today = chinaDayStart(now)
	return db.transaction().execute(async (trx) => {
		const current = await trx.selectFrom('offer').select(['status', 'providerOrgId', 'coverage']).where('id', '=', offerId).executeTakeFirst()
		if (!current) throw AppError.notFound()
		let update = trx
			.updateTable('offer')
			.set({
				status: to,
				updatedAt: now,
				...(input.action === 'publish' ? { publishedAt: now } : {}),
				...(input.action === 'withdraw' || input.action === 'pause' ? { statusNote: note } : {}),
				...(input.action === 'resume' ? { statusNote: null } : {}),
			})
			.where('id', '=', offerId)
			// Compare-and-set on the status read above, so the event's from-state is the true one.
			.where('status', '=', current.status)
			.where('status', 'in', from)
			.where(mayManage(actor))
		if (goesLive) update = update.where('validUntil', '>=', today)
		const result = await update.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const allowed = await trx.selectFrom('offer').select('id').where('id', '=', offerId).where(mayManage(actor)).executeTakeFirst()
			if (!allowed) throw await whyForbidden(trx, current.providerOrgId, actor, true)
			const row = await trx.selectFrom('offer').select(['status', 'validUntil']).where('id', '=', offerId).executeTakeFirstOrThrow()
			if (from.includes(row.status) && goesLive && row.validUntil < today) throw AppError.conflict('errors.offer_window_ended')
			throw AppError.conflict('errors.offer_wrong_status')
		}
		if (goesLive && current.coverage === 'pairings') {
			// Throwing here rolls the update back.
			const codes = await pairedRegionCodes(trx, current.providerOrgId)
			if (!codes.length) throw AppError.conflict('errors.offer_no_pairings')
		}
		await recordEvent(
			trx,
			{ entityType: 'offer', entityId: offerId, action: input.action, fromState: current.status, toState: to, note: note ?? '', actorAccountId: actor.accountId, actorOrgId: current.providerOrgId, requestId: actor.requestId },
			now,
		)
		await enqueueSearch(trx, 'offer', offerId, now)
		return { status: to }
	})
}

/**
 * The job: active and paused offers whose last valid day (China time) has passed become
 * `expired`, each with an event (no actor) and an outbox row. Returns how many expired.
 */
export async function expireOffers(db: Kysely<DB>, now = Date.now()) {
	const today = chinaDayStart(now)
	const due = await db
		.selectFrom('offer')
		.select(['id', 'status'])
		.where('status', 'in', ['active', 'paused'])
		.where('validUntil', '<', today)
		.orderBy('validUntil')
		.execute()
	let count = 0
	for (const offer of due) {
		await db.transaction().execute(async (trx) => {
			// Compare-and-set: an offer paused or withdrawn meanwhile is left to its new state.
			const result = await trx
				.updateTable('offer')
				.set({ status: 'expired', updatedAt: now })
				.where('id', '=', offer.id)
				.where('status', '=', offer.status)
				.where('validUntil', '<', today)
				.executeTakeFirst()
			if (Number(result.numUpdatedRows) === 0) return
			// No actor: the system expires it.
			await recordEvent(trx, { entityType: 'offer', entityId: offer.id, action: 'expire', fromState: offer.status, toState: 'expired' }, now)
			await enqueueSearch(trx, 'offer', offer.id, now)
			count++
		})
	}
	return count
}

/**
 * Regions a provider reaches through its active pairings: its 定点帮扶 counties and 结对 villages
 * (pairings naming the org), and for an East–West partner the regions paired with its own region.
 */
export async function pairedRegionCodes(db: Kysely<DB>, orgId: string): Promise<string[]> {
	const org = await db.selectFrom('organization').select(['kind', 'regionCode']).where('id', '=', orgId).executeTakeFirst()
	if (!org) return []
	const rows = await db
		.selectFrom('pairing')
		.select('recipientRegionCode')
		.distinct()
		.where('status', '=', 'active')
		.where((eb) => {
			const ors = [eb('providerOrgId', '=', orgId)]
			if (org.kind === 'east_west_partner' && org.regionCode) {
				ors.push(eb.and([eb('kind', '=', 'east_west'), eb('providerRegionCode', '=', org.regionCode)]))
			}
			return eb.or(ors)
		})
		.execute()
	return rows.map((r) => r.recipientRegionCode).sort()
}

/**
 * The region codes an offer covers, for matching a need's village against it (a need matches when
 * one of them is the village or an ancestor of it):
 * - `[]`: nationwide;
 * - coverage 'regions': the listed codes;
 * - coverage 'pairings': resolved now from the provider's active pairings (see pairedRegionCodes);
 * - `null`: covers nowhere — a 'pairings' offer whose provider has no active pairing left (its
 *   pairings ended after publishing). NOTE: never treat null like [] (that would be nationwide).
 * Undefined when there is no such offer.
 */
export async function listCoveredRegionCodes(db: Kysely<DB>, offerId: string): Promise<string[] | null | undefined> {
	const offer = await db.selectFrom('offer').select(['coverage', 'providerOrgId']).where('id', '=', offerId).executeTakeFirst()
	if (!offer) return undefined
	if (offer.coverage === 'nationwide') return []
	if (offer.coverage === 'regions') {
		const rows = await db.selectFrom('offerRegion').select('regionCode').where('offerId', '=', offerId).orderBy('regionCode').execute()
		return rows.map((r) => r.regionCode)
	}
	const codes = await pairedRegionCodes(db, offer.providerOrgId)
	return codes.length ? codes : null
}

/**
 * Derived capacity figures (also used by the browse pages and the search documents). `capacityUsed`
 * is the sum of the offer's accepted-or-later commitments (committedByOffer; pledges do not count).
 */
export function capacityFigures(capacity: number | null, capacityUsed: number) {
	const remaining = capacity === null ? null : Math.max(capacity - capacityUsed, 0)
	const exhausted = capacity !== null && capacityUsed >= capacity
	return { capacityUsed, remaining, exhausted }
}

function offerQuery(db: Kysely<DB>) {
	return db
		.selectFrom('offer')
		.innerJoin('organization as provider', 'provider.id', 'offer.providerOrgId')
		.select([
			'offer.id',
			'offer.providerOrgId',
			'provider.name as providerName',
			'provider.kind as providerKind',
			'provider.status as providerStatus',
			'offer.title',
			'offer.description',
			'offer.measure',
			'offer.unit',
			'offer.capacity',
			'offer.coverage',
			'offer.validFrom',
			'offer.validUntil',
			'offer.status',
			'offer.statusNote',
			'offer.publishedAt',
			'offer.createdBy',
			'offer.createdAt',
			'offer.updatedAt',
		])
}

/** Drafts are seen by the provider's members only; every other status is public. */
function visibleTo(viewer: Actor | null) {
	return (eb: ExpressionBuilder<DB, 'offer'>) => {
		const ownOrgIds = viewer?.memberships.map((m) => m.orgId) ?? []
		return eb.or([eb('offer.status', '<>', 'draft'), eb('offer.providerOrgId', 'in', ownOrgIds.length ? ownOrgIds : [''])])
	}
}

async function categoriesOf(db: Kysely<DB>, offerIds: string[]) {
	const out = new Map<string, NeedCategory[]>()
	if (!offerIds.length) return out
	const rows = await db.selectFrom('offerCategory').select(['offerId', 'category']).where('offerId', 'in', offerIds).execute()
	for (const r of rows) out.set(r.offerId, [...(out.get(r.offerId) ?? []), r.category])
	// Vocabulary order, so lists read the same everywhere.
	for (const list of out.values()) list.sort((a, b) => NEED_CATEGORIES.indexOf(a) - NEED_CATEGORIES.indexOf(b))
	return out
}

/** What the viewer may do with the offer: for showing buttons; the model functions check again. */
function viewerRights(viewer: Actor | null, offer: { providerOrgId: string; status: OfferStatus }) {
	const membership = viewer?.memberships.find((m) => m.orgId === offer.providerOrgId && m.status === 'verified')
	const manager = !!membership && roleAtLeast(membership.role, 'admin')
	const actions = manager ? (Object.keys(TRANSITIONS) as OfferAction[]).filter((a) => TRANSITIONS[a].from.includes(offer.status)) : []
	const canEdit = !!membership && (offer.status === 'draft' || (manager && offer.status === 'paused'))
	return { role: membership?.role, canEdit, actions }
}

/**
 * One offer with its categories, covered regions (full names; empty for nationwide), provider and
 * derived capacity. `displayStatus` is 'exhausted' for an active offer with no capacity left.
 * `coversNowhere`: a 'pairings' offer whose provider has no active pairing.
 */
export async function getOffer(db: Kysely<DB>, id: string, viewer: Actor | null) {
	const offer = await offerQuery(db).where('offer.id', '=', id).where(visibleTo(viewer)).executeTakeFirst()
	if (!offer) return undefined
	const [categories, covered, used] = await Promise.all([categoriesOf(db, [id]), listCoveredRegionCodes(db, id), committedByOffer(db, [id])])
	const codes = covered ?? []
	const names = await fullNames(db, codes)
	const figures = capacityFigures(offer.capacity === null ? null : Number(offer.capacity), used.get(id) ?? 0)
	return {
		...offer,
		categories: categories.get(id) ?? [],
		regions: codes.map((code) => ({ code, name: names.get(code) ?? code })),
		coversNowhere: covered === null,
		...figures,
		displayStatus: offer.status === 'active' && figures.exhausted ? ('exhausted' as const) : offer.status,
		viewer: viewerRights(viewer, offer),
	}
}

/** An org's offers, newest first; drafts only when the viewer is one of its members. */
export async function listOffersForOrg(db: Kysely<DB>, orgId: string, viewer: Actor | null) {
	const rows = await offerQuery(db).where('offer.providerOrgId', '=', orgId).where(visibleTo(viewer)).orderBy('offer.createdAt', 'desc').orderBy('offer.id', 'desc').limit(500).execute()
	const ids = rows.map((r) => r.id)
	const [categories, used] = await Promise.all([categoriesOf(db, ids), committedByOffer(db, ids)])
	return rows.map((r) => {
		const figures = capacityFigures(r.capacity === null ? null : Number(r.capacity), used.get(r.id) ?? 0)
		return {
			...r,
			categories: categories.get(r.id) ?? [],
			...figures,
			displayStatus: r.status === 'active' && figures.exhausted ? ('exhausted' as const) : r.status,
		}
	})
}
