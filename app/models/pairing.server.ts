import type { Kysely } from 'kysely'
import type { DB, PairingKind } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { recordEvent } from './event.server.ts'
import { CreatePairingSchema, type CreatePairingInput } from './pairing.schema.ts'
import { type Actor, governs, inJurisdiction } from './policy.server.ts'
import { ancestorCodes, isRegionCode, regionPrefix } from './region-code.ts'
import { isNamedRow } from './region.server.ts'

const PROVIDER_KIND: Partial<Record<PairingKind, string[]>> = {
	targeted: ['central_unit'],
	twinning: ['enterprise', 'social_org'],
}
const RECIPIENT_LEVELS: Record<PairingKind, number[]> = {
	targeted: [3],
	east_west: [1, 2, 3],
	twinning: [5],
}

/**
 * Records a pairing. Officials manage pairings whose recipient lies in their jurisdiction (for
 * 东西部协作 either side may); 定点帮扶 and province-level 东西部 pairs are national matters in
 * practice, but a provincial official may record them for their province.
 */
export async function createPairing(db: Kysely<DB>, raw: CreatePairingInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const parsed = CreatePairingSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	const fields: Record<string, string> = {}

	const codes = [input.recipientRegionCode, ...(input.kind === 'east_west' ? [input.providerRegionCode] : [])]
	const regions = await db.selectFrom('region').select(['code', 'level']).where('code', 'in', codes).execute()
	// A code can have rows at two levels (see region.server.ts); any of them may fit.
	const levelsOf = (code: string) => regions.filter((r) => r.code === code).map((r) => r.level)
	const recipientLevels = levelsOf(input.recipientRegionCode)
	const recipient = recipientLevels.length ? { level: Math.min(...recipientLevels) } : undefined
	if (!recipient) fields.recipientRegionCode = 'errors.region_not_found'
	else if (!recipientLevels.some((l) => RECIPIENT_LEVELS[input.kind].includes(l))) fields.recipientRegionCode = `errors.pairing_recipient_level_${input.kind}`

	let providerOrgId: string | null = null
	let providerRegionCode: string | null = null
	if (input.kind === 'east_west') {
		providerRegionCode = input.providerRegionCode
		const providerLevels = levelsOf(input.providerRegionCode)
		const provider = providerLevels.length ? { level: Math.min(...providerLevels) } : undefined
		if (!provider) fields.providerRegionCode = 'errors.region_not_found'
		else if (provider.level > 3) fields.providerRegionCode = 'errors.pairing_provider_level'
		else if (recipient && (provider.level === 1) !== (recipient.level === 1)) fields.recipientRegionCode = 'errors.pairing_levels_mismatch'
		if (input.providerRegionCode === input.recipientRegionCode) fields.recipientRegionCode = 'errors.pairing_same_region'
	} else {
		providerOrgId = input.providerOrgId
		const org = await db.selectFrom('organization').select(['kind', 'status']).where('id', '=', input.providerOrgId).executeTakeFirst()
		if (!org) fields.providerOrgId = 'errors.org_not_found'
		else if (!PROVIDER_KIND[input.kind]?.includes(org.kind)) fields.providerOrgId = `errors.pairing_provider_kind_${input.kind}`
		else if (org.status !== 'verified') fields.providerOrgId = 'errors.org_not_verified'
	}
	if (Object.keys(fields).length) throw AppError.invalid(fields)

	const allowed =
		actor.isNationalAdmin ||
		governs(actor, input.recipientRegionCode) ||
		(input.kind === 'east_west' && governs(actor, input.providerRegionCode))
	if (!allowed) throw AppError.forbidden('errors.outside_jurisdiction')

	return db.transaction().execute(async (trx) => {
		let dup = trx
			.selectFrom('pairing')
			.select('id')
			.where('kind', '=', input.kind)
			.where('status', '=', 'active')
			.where('recipientRegionCode', '=', input.recipientRegionCode)
		dup = providerOrgId ? dup.where('providerOrgId', '=', providerOrgId) : dup.where('providerRegionCode', '=', providerRegionCode)
		if (await dup.executeTakeFirst()) throw AppError.invalid({ recipientRegionCode: 'errors.pairing_exists' })
		const id = newId(now)
		await trx
			.insertInto('pairing')
			.values({
				id,
				kind: input.kind,
				providerOrgId,
				providerRegionCode,
				recipientRegionCode: input.recipientRegionCode,
				startedYear: input.startedYear,
				note: input.note ?? '',
				status: 'active',
				createdBy: actor.accountId,
				createdAt: now,
				endedBy: null,
				endedAt: null,
			})
			.execute()
		await recordEvent(trx, { entityType: 'pairing', entityId: id, action: 'create', toState: 'active', actorAccountId: actor.accountId, requestId: actor.requestId }, now)
		await reindexPairingOffers(trx, { providerOrgId, providerRegionCode }, now)
		return { id }
	})
}

/** Ends an active pairing; the jurisdiction check is in the update's where. */
export async function endPairing(db: Kysely<DB>, id: string, actor: Actor, now = Date.now()) {
	return db.transaction().execute(async (trx) => {
		const result = await trx
			.updateTable('pairing')
			.set({ status: 'ended', endedBy: actor.accountId, endedAt: now })
			.where('id', '=', id)
			.where('status', '=', 'active')
			.where((eb) =>
				eb.or([
					inJurisdiction('pairing.recipientRegionCode', actor),
					eb.and([eb('kind', '=', 'east_west'), inJurisdiction('pairing.providerRegionCode', actor)]),
				]),
			)
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const row = await trx.selectFrom('pairing').select('status').where('id', '=', id).executeTakeFirst()
			if (!row) throw AppError.notFound()
			if (row.status !== 'active') throw AppError.conflict('errors.pairing_not_active')
			throw AppError.forbidden('errors.outside_jurisdiction')
		}
		await recordEvent(trx, { entityType: 'pairing', entityId: id, action: 'end', fromState: 'active', toState: 'ended', actorAccountId: actor.accountId, requestId: actor.requestId }, now)
		const ended = await trx.selectFrom('pairing').select(['providerOrgId', 'providerRegionCode']).where('id', '=', id).executeTakeFirstOrThrow()
		await reindexPairingOffers(trx, ended, now)
	})
}

/**
 * Offers with 'pairings' coverage resolve their regions from the provider's pairings when they
 * are indexed, so a pairing that starts or ends queues them again: the provider org's own offers,
 * or (东西部协作) those of the partner orgs of the eastern region.
 */
async function reindexPairingOffers(db: Kysely<DB>, pairing: { providerOrgId: string | null; providerRegionCode: string | null }, now: number) {
	let q = db.selectFrom('offer').innerJoin('organization', 'organization.id', 'offer.providerOrgId').select('offer.id').where('offer.coverage', '=', 'pairings')
	if (pairing.providerOrgId) q = q.where('offer.providerOrgId', '=', pairing.providerOrgId)
	else if (pairing.providerRegionCode) q = q.where('organization.kind', '=', 'east_west_partner').where('organization.regionCode', '=', pairing.providerRegionCode)
	else return
	for (const offer of await q.execute()) await enqueueSearch(db, 'offer', offer.id, now)
}

function pairingQuery(db: Kysely<DB>) {
	return db
		.selectFrom('pairing')
		.leftJoin('organization as provider', 'provider.id', 'pairing.providerOrgId')
		.leftJoin('region as providerRegion', (join) => join.onRef('providerRegion.code', '=', 'pairing.providerRegionCode').on(isNamedRow('providerRegion')))
		.innerJoin('region as recipient', (join) => join.onRef('recipient.code', '=', 'pairing.recipientRegionCode').on(isNamedRow('recipient')))
		.select([
			'pairing.id',
			'pairing.kind',
			'pairing.status',
			'pairing.startedYear',
			'pairing.note',
			'pairing.providerOrgId',
			'provider.name as providerOrgName',
			'provider.kind as providerOrgKind',
			'pairing.providerRegionCode',
			'providerRegion.name as providerRegionName',
			'pairing.recipientRegionCode',
			'recipient.name as recipientRegionName',
			'recipient.level as recipientLevel',
		])
		.orderBy('pairing.kind')
		.orderBy('pairing.createdAt')
}

/**
 * Pairings that reach a region: made with it or with any region above it (a village in a
 * 定点帮扶 county is helped by that county's central unit), plus those where it is the
 * eastern side. `inherited` tells which came from above.
 */
export async function listPairingsForRegion(db: Kysely<DB>, code: string, options: { includeEnded?: boolean } = {}) {
	if (!isRegionCode(code)) return []
	const up = [code, ...ancestorCodes(code)]
	let q = pairingQuery(db).where((eb) => eb.or([eb('pairing.recipientRegionCode', 'in', up), eb('pairing.providerRegionCode', '=', code)]))
	if (!options.includeEnded) q = q.where('pairing.status', '=', 'active')
	const rows = await q.execute()
	return rows.map((r) => ({ ...r, inherited: r.recipientRegionCode !== code && r.providerRegionCode !== code }))
}

/** Pairings an org takes part in: as the provider org, or through its region for 东西部 partners and governments. */
export async function listPairingsForOrg(db: Kysely<DB>, orgId: string, options: { includeEnded?: boolean } = {}) {
	const org = await db.selectFrom('organization').select(['kind', 'regionCode']).where('id', '=', orgId).executeTakeFirst()
	if (!org) return []
	if (org.kind === 'village' && org.regionCode) return listPairingsForRegion(db, org.regionCode, options)
	let q = pairingQuery(db).where((eb) => {
		const ors = [eb('pairing.providerOrgId', '=', orgId)]
		if ((org.kind === 'east_west_partner' || org.kind === 'government') && org.regionCode) {
			ors.push(eb('pairing.providerRegionCode', '=', org.regionCode))
			if (org.kind === 'government') ors.push(eb('pairing.recipientRegionCode', '=', org.regionCode))
		}
		return eb.or(ors)
	})
	if (!options.includeEnded) q = q.where('pairing.status', '=', 'active')
	const rows = await q.execute()
	return rows.map((r) => ({ ...r, inherited: false }))
}

export async function listPairings(db: Kysely<DB>, filters: { kind?: PairingKind; within?: string; limit?: number } = {}) {
	let q = pairingQuery(db).where('pairing.status', '=', 'active')
	if (filters.kind) q = q.where('pairing.kind', '=', filters.kind)
	if (filters.within && isRegionCode(filters.within)) {
		const prefix = `${regionPrefix(filters.within)}%`
		q = q.where((eb) => eb.or([eb('pairing.recipientRegionCode', 'like', prefix), eb('pairing.providerRegionCode', 'like', prefix)]))
	}
	return q.limit(filters.limit ?? 500).execute()
}

// The 2021 East–West cooperation map at province level (DOMAIN.md), plus two published
// city→county pairs. Names are matched against the imported division data.
export const EAST_WEST_2021: Array<[provider: string[], recipient: string[]]> = [
	[['北京市'], ['内蒙古自治区']],
	[['天津市'], ['甘肃省']],
	[['上海市'], ['云南省']],
	[['江苏省'], ['陕西省']],
	[['江苏省'], ['青海省']],
	[['浙江省'], ['四川省']],
	[['福建省'], ['宁夏回族自治区']],
	[['山东省'], ['重庆市']],
	[['山东省'], ['甘肃省']],
	[['广东省'], ['广西壮族自治区']],
	[['广东省'], ['贵州省']],
	[['山东省', '聊城市'], ['重庆市', '彭水苗族土家族自治县']],
	[['山东省', '东营市'], ['重庆市', '酉阳土家族苗族自治县']],
]

/** Finds a region by its name path (province first); levels in between may be skipped. */
export async function findRegionByPath(db: Kysely<DB>, path: string[]) {
	const province = await db.selectFrom('region').select(['code', 'name', 'level']).where('level', '=', 1).where('name', '=', path[0]).executeTakeFirst()
	if (!province || path.length === 1) return province
	const rows = await db
		.selectFrom('region')
		.select(['code', 'name', 'level'])
		.where('name', '=', path[path.length - 1])
		.where('code', 'like', `${regionPrefix(province.code)}%`)
		.execute()
	return rows.length === 1 ? rows[0] : undefined
}

/** Seeds EAST_WEST_2021; idempotent. Throws naming every region it cannot find. */
export async function unsafeSeedEastWest(db: Kysely<DB>, now = Date.now()) {
	const missing: string[] = []
	let created = 0
	for (const [from, to] of EAST_WEST_2021) {
		const [p, r] = await Promise.all([findRegionByPath(db, from), findRegionByPath(db, to)])
		if (!p) missing.push(from.join(' '))
		if (!r) missing.push(to.join(' '))
		if (!p || !r) continue
		const exists = await db
			.selectFrom('pairing')
			.select('id')
			.where('kind', '=', 'east_west')
			.where('providerRegionCode', '=', p.code)
			.where('recipientRegionCode', '=', r.code)
			.executeTakeFirst()
		if (exists) continue
		await db
			.insertInto('pairing')
			.values({ id: newId(now), kind: 'east_west', providerOrgId: null, providerRegionCode: p.code, recipientRegionCode: r.code, startedYear: 2021, note: '', status: 'active', createdBy: null, createdAt: now, endedBy: null, endedAt: null })
			.execute()
		created++
	}
	if (missing.length) throw new Error(`East–West seed: regions not found: ${missing.join(', ')}`)
	return { created }
}

/**
 * Verified orgs that may provide a 定点帮扶 or 结对帮扶 pairing, for the "record a pairing" form's
 * select (central units first, then enterprises and social orgs, by name). Capped: the form
 * also takes an org id typed in.
 */
export async function listPairingProviderOrgs(db: Kysely<DB>, options: { limit?: number } = {}) {
	const kinds = [...new Set(Object.values(PROVIDER_KIND).flat())] as Array<'central_unit' | 'enterprise' | 'social_org'>
	return db
		.selectFrom('organization')
		.select(['id', 'name', 'kind'])
		.where('status', '=', 'verified')
		.where('kind', 'in', kinds)
		// Alphabetical kind codes happen to give the wanted order: central_unit, enterprise, social_org.
		.orderBy('kind')
		.orderBy('name')
		.orderBy('id')
		.limit(options.limit ?? 300)
		.execute()
}
