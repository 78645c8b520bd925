// npm run bench:data -- --scale national|small [--seed N]
// Fills the DATABASE_URL database (migrated; divisions imported: for national scale all 620,573
// villages, `npm run import-divisions -- --all`) with a deterministic marketplace of national
// size on top of the real divisions:
// - providers: ~310 central units each with 1–3 定点帮扶 counties (key and western counties
//   first); the 2021 East–West map (pairing.server.ts) taken down to city and county pairs, with
//   a partner org per eastern province and city; 5,000 enterprises; 1,000 mass and social orgs;
// - a verified government org (农业农村局) for every province, city and county;
// - village orgs for every village that gets a need; 200,000 needs, 50,000 offers with the
//   vocabulary of bench:suggest (scripts/bench-util.ts), 200,000 commitments in a realistic mix
//   of states (accepted-or-later totals never above a need's target), 20,000 CSR projects;
// - three decided commendation campaigns (national, 贵州, the bench county) with 300 awards;
// - the bench accounts (BENCH_ACCOUNTS in scripts/bench-util.ts) that scripts/bench.ts signs in as.
// Bulk inserts (scripts/bench-util.ts); prints progress. `small` is 1/100 of it (for trying the
// script). Rows it writes are marked (created_by 'BENCH' where the column takes free text) and
// the accounts are unique, so a second run refuses.
import { parseArgs } from 'node:util'
import type { Kysely } from 'kysely'
import type { AwardCategory, CampaignLevel, CommitmentStatus, DB, NeedCategory, NeedStatus, OrgKind, PairingKind, RegionLevel } from '#db/schema.ts'
import { createAccount } from '#app/models/account.server.ts'
import { AWARD_CATEGORIES } from '#app/models/commendation.schema.ts'
import type { Eligibility } from '#app/models/commendation/eligibility.server.ts'
import { categoryMask } from '#app/models/marketplace-vocab.ts'
import { EAST_WEST_2021, findRegionByPath, unsafeSeedEastWest } from '#app/models/pairing.server.ts'
import { regionPrefix } from '#app/models/region-code.ts'
import { DAY_MS, chinaDayStart, chinaPeriod, parseChinaDate } from '#app/utils/china-date.ts'
import { createDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/id.ts'
import { passwordProblem } from '#app/utils/validation.ts'
import { BENCH_ACCOUNTS, BENCH_DEFAULT_PASSWORD, BENCH_PASSWORD_ENV, CATEGORY_WEIGHTS, TOPICS, UNIT_OF, benchEmail, benchPassword, insertAll, seededRandom } from './bench-util.ts'

const { values } = parseArgs({ options: { scale: { type: 'string', default: 'small' }, seed: { type: 'string', default: '20261124' } }, strict: true })
const FULL = { central: 310, enterprises: 5_000, massSocial: 1_000, needs: 200_000, offers: 50_000, commitments: 200_000, projects: 20_000 }
const factor = values.scale === 'national' ? 1 : values.scale === 'small' ? 0.01 : Number.NaN
if (!Number.isFinite(factor)) throw new Error('--scale national|small')
const N = Object.fromEntries(Object.entries(FULL).map(([k, v]) => [k, Math.max(5, Math.round(v * factor))])) as typeof FULL

const { random, int, pick, weighted, sample } = seededRandom(Number(values.seed))

const started = Date.now()
const now = Date.now()
const today = chinaDayStart(now)
let idClock = now - 400 * DAY_MS
/** Time-ordered ids spread over the last 400 days, so "newest first" lists have a history. */
function id() {
	idClock += 1 + Math.floor(random() * 150_000)
	return newId(Math.min(idClock, now))
}
function log(what: string) {
	console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${what}`)
}
const fmt = (n: number) => n.toLocaleString('en-US')

/** Bulk insert, with statements of about 20,000 values (wide tables get fewer rows each). */
async function insertRows(db: Kysely<DB>, table: keyof DB, rows: object[]) {
	await insertAll(db, table, rows, Math.max(50, Math.floor(20_000 / Math.max(1, Object.keys(rows[0] ?? {}).length))))
	log(`${String(table).padEnd(16)} ${fmt(rows.length)} rows`)
}

function org(kind: OrgKind, name: string, regionCode: string | null, villageCode: string | null = null) {
	return {
		id: id(),
		kind,
		subtype: kind === 'mass_org' ? pick(['trade_union', 'youth_league', 'women_federation', 'science_association', 'disabled_federation']) : null,
		name,
		uscc: null,
		regionCode,
		villageCode,
		status: 'verified',
		statusReason: null,
		reviewedBy: null,
		reviewedAt: null,
		description: '',
		contactName: null,
		contactPhone: null,
		isDemo: 0,
		createdBy: null,
		createdAt: now,
		updatedAt: now,
	}
}

// ---------------------------------------------------------------------------------------------
// Text of needs and offers (search is measured on it, so it varies)

const NEED_OPENERS = [
	'本村地处偏远山区，',
	'我村距乡镇较远，交通不便，',
	'村里青壮年大多外出务工，',
	'近年来村集体经济稳步发展，',
	'本村是易地扶贫搬迁安置点，',
	'我村耕地分散，产业基础薄弱，',
	'村内留守老人和儿童较多，',
	'本村特色产业已初具规模，',
	'在驻村工作队的带动下，',
	'本村是脱贫村，巩固成果任务较重，',
	'经村民代表大会讨论决定，',
	'',
]
const NEED_STATES = ['基础薄弱', '缺少启动资金', '亟待加强', '刚刚起步', '缺乏专业指导', '短板明显', '覆盖面不足', '群众需求迫切', '投入不足']
const NEED_BENEFITS: Array<(n: number) => string> = [
	(n) => `涉及${n}名群众`,
	(n) => `预计带动${n}名群众增收`,
	(n) => `可惠及${n}名村民`,
	(n) => `受益人口约${n}人`,
	(n) => `惠及脱贫人口和监测对象${n}人`,
]
const NEED_ASKS: Array<(topic: string) => string> = [
	(t) => `希望社会各界在${t}方面给予支持。`,
	(t) => `恳请帮扶单位协助开展${t}。`,
	(t) => `计划年内完成${t}，资金缺口较大。`,
	(t) => `急需${t}方面的人才和资金。`,
	(t) => `盼望通过${t}带动村民就近就业。`,
	() => '请有意向的帮扶单位与村委会联系。',
]
const NEED_EXTRAS = ['村两委高度重视，已完成前期调研。', '乡镇已同意配套部分资金。', '项目选址已确定，具备实施条件。', '群众参与意愿强烈。', '已列入本村年度乡村振兴计划。']

/** One sentence of 30–80 characters from the category's topics, the beneficiaries and phrases. */
function needDescription(category: NeedCategory, beneficiaries: number) {
	const opener = pick(NEED_OPENERS)
	const body = `${pick(TOPICS[category])}${pick(NEED_STATES)}，${pick(NEED_BENEFITS)(beneficiaries)}，${pick(NEED_ASKS)(pick(TOPICS[category]))}`
	const extra = random() < 0.4 ? pick(NEED_EXTRAS) : ''
	for (const text of [opener + body + extra, opener + body, body, body + NEED_EXTRAS[0]]) {
		const length = [...text].length
		if (length >= 30 && length <= 80) return text
	}
	return body
}

const OFFER_LEADS = ['面向脱贫地区提供', '可为村集体和农户提供', '本单位常年开展', '联合合作伙伴提供', '']
const OFFER_TAILS = ['等帮扶', '方面的支持', '等服务', '等项目']
const OFFER_PHRASES = ['优先支持国家乡村振兴重点帮扶县。', '欢迎有需要的村委会联系对接。', '可根据村里实际需求定制方案。', '资金按项目进度分批拨付。', '配套提供技术指导和后续服务。', '']
function offerDescription(categories: NeedCategory[]) {
	return `${pick(OFFER_LEADS)}${categories.map((c) => pick(TOPICS[c])).join('、')}${pick(OFFER_TAILS)}。${pick(OFFER_PHRASES)}`
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤']
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞宇浩然婷雪梅海燕林春晓东亮斌波宁欣怡晨阳佳琪俊峰成龙']

// ---------------------------------------------------------------------------------------------

type RegionRow = { code: string; name: string; level: RegionLevel; parentCode: string | null; isKeyCounty: number }
// NBS groups some counties under a placeholder instead of a prefecture (直辖市 and 省直辖县).
const PSEUDO_CITY = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'])
const WEST = new Set(['15', '45', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'])
const COUNTED = new Set<CommitmentStatus>(['accepted', 'in_delivery', 'delivered', 'verified', 'disputed', 'closed'])
const GUIZHOU = '520000000000'

const password = benchPassword()
const passwordFrom = process.env[BENCH_PASSWORD_ENV]?.trim() ? `env ${BENCH_PASSWORD_ENV}` : `the default in scripts/bench-util.ts (${BENCH_DEFAULT_PASSWORD}; set ${BENCH_PASSWORD_ENV} to choose another)`

const { db } = createDb(getEnv().databaseUrl)
try {
	const problem = BENCH_ACCOUNTS.map((a) => passwordProblem(password, [a.username, benchEmail(a.username).split('@')[0]])).find(Boolean)
	if (problem) throw new Error(`the bench password (${passwordFrom}) breaks the password rules: ${problem}`)
	const already = await db.selectFrom('need').select('id').where('createdBy', '=', 'BENCH').limit(1).executeTakeFirst()
	const accountTaken = await db.selectFrom('account').select('username').where('username', 'in', BENCH_ACCOUNTS.map((a) => a.username)).executeTakeFirst()
	if (already || accountTaken) throw new Error('this database already holds bench data: use a fresh one')

	// NOTE: a code can have rows at two levels (a city without counties repeats itself one level
	// down); only the upper row names a division of its own.
	const regions = (await db.selectFrom('region').select(['code', 'name', 'level', 'parentCode', 'isKeyCounty']).orderBy('code').orderBy('level').execute()) as RegionRow[]
	const named = regions.filter((r) => r.parentCode !== r.code)
	const at = (level: RegionLevel) => named.filter((r) => r.level === level)
	const provinces = at(1)
	const cities = at(2).filter((r) => !PSEUDO_CITY.has(r.name))
	// NBS numbers development zones and the like 7x at county level: they hold villages (and
	// enterprises) but are no counties, so they get no pairing and no county government.
	const countyRows = at(3)
	const counties = countyRows.filter((r) => r.code[4] !== '7')
	const townships = at(4)
	const villages = at(5).map((r) => ({ code: r.code, name: r.name, short: r.name.replace(/(村民|居民)委员会$/, '') }))
	if (!villages.length) throw new Error('no villages: run npm run import-divisions first (-- --all for national scale)')
	const nameOf = new Map(named.map((r) => [r.code, r.name]))
	const provinceOf = (code: string) => `${code.slice(0, 2)}0000000000`
	const countiesOfCity = new Map<string, RegionRow[]>()
	for (const r of counties) if (r.parentCode) countiesOfCity.set(r.parentCode, [...(countiesOfCity.get(r.parentCode) ?? []), r])
	const inProvince = (rows: RegionRow[], province: string) => rows.filter((r) => r.code.startsWith(province.slice(0, 2)))
	const countiesOfProvince = (province: string) => inProvince(counties, province)
	const keyCounties = counties.filter((c) => Number(c.isKeyCounty) === 1)
	const keySet = new Set(keyCounties.map((c) => c.code))
	const westCounties = counties.filter((c) => WEST.has(c.code.slice(0, 2)))
	log(`scale ${values.scale}: ${fmt(villages.length)} villages, ${counties.length} counties (${keyCounties.length} key) in the database; targets ${JSON.stringify(N)}`)

	const orgs: ReturnType<typeof org>[] = []
	const pairings: Array<{ id: string; kind: PairingKind; providerOrgId: string | null; providerRegionCode: string | null; recipientRegionCode: string } & Record<string, unknown>> = []
	const pairing = (kind: PairingKind, providerOrgId: string | null, recipientRegionCode: string, providerRegionCode: string | null = null) =>
		pairings.push({ id: id(), kind, providerOrgId, providerRegionCode, recipientRegionCode, startedYear: 2021, note: '', status: 'active', createdBy: null, createdAt: now, endedBy: null, endedAt: null })

	// Government: a 农业农村局 for every province, city and county.
	const government = new Map<string, ReturnType<typeof org>>()
	for (const r of [...provinces, ...cities, ...counties]) {
		const o = org('government', `${r.name}农业农村局`, r.code)
		orgs.push(o)
		government.set(r.code, o)
	}

	// Central units: 定点帮扶 of 1–3 counties, every key county first, then key or western ones.
	const keyOrder = sample(keyCounties.length ? keyCounties : westCounties.length ? westCounties : counties, keyCounties.length || westCounties.length || counties.length)
	for (let i = 0; i < N.central; i++) {
		const o = org('central_unit', `中央单位 ${i + 1}`, null)
		orgs.push(o)
		const held = new Set([keyOrder[i % keyOrder.length].code])
		for (let k = int(1, 3) - 1; k > 0; k--) held.add(pick(random() < 0.4 && keyCounties.length ? keyCounties : westCounties.length ? westCounties : counties).code)
		for (const county of held) pairing('targeted', o.id, county)
	}
	const providers: Array<{ id: string; kind: OrgKind; name: string }> = orgs.filter((o) => o.kind === 'central_unit').map((o) => ({ id: o.id, kind: o.kind, name: o.name }))

	// East–West (东西部协作): the 2021 map (province pairs and two city → county pairs), then city
	// pairs (a recipient province's cities shared among its eastern provinces, each with the next
	// eastern city of that province) and county pairs (every key county and every 4th other
	// county of the recipient provinces, each with a county of the paired eastern city, or of
	// the province). 直辖市 have no real cities: their districts stand in as eastern cities, and
	// 重庆's counties are paired directly.
	const seeded = await unsafeSeedEastWest(db, now)
	const provinceByName = new Map(provinces.map((p) => [p.name, p.code]))
	const providersOf = new Map<string, string[]>()
	const eastWestProviders = new Set<string>()
	const alreadyPaired = new Set<string>()
	for (const [from, to] of EAST_WEST_2021) {
		if (from.length === 1 && to.length === 1) {
			const [p, r] = [provinceByName.get(from[0]), provinceByName.get(to[0])]
			if (!p || !r) continue
			providersOf.set(r, [...(providersOf.get(r) ?? []), p])
			eastWestProviders.add(p)
		} else {
			const [p, r] = await Promise.all([findRegionByPath(db, from), findRegionByPath(db, to)])
			if (!p || !r) continue
			eastWestProviders.add(p.code)
			alreadyPaired.add(r.code)
		}
	}
	const eastCities = (province: string) => {
		const own = inProvince(cities, province)
		return own.length ? own : countiesOfProvince(province)
	}
	const nextEastCity = new Map<string, number>()
	const cityPartner = new Map<string, { province: string; city: RegionRow }>()
	for (const [recipient, from] of [...providersOf].sort(([a], [b]) => (a < b ? -1 : 1))) {
		inProvince(cities, recipient).forEach((city, i) => {
			const province = from[i % from.length]
			const east = eastCities(province)
			if (!east.length) return
			const n = nextEastCity.get(province) ?? 0
			nextEastCity.set(province, n + 1)
			const partner = east[n % east.length]
			cityPartner.set(city.code, { province, city: partner })
			eastWestProviders.add(partner.code)
			pairing('east_west', null, city.code, partner.code)
		})
		let other = 0
		countiesOfProvince(recipient).forEach((county, i) => {
			if (alreadyPaired.has(county.code)) return
			if (!keySet.has(county.code) && other++ % 4 !== 0) return
			const byCity = county.parentCode ? cityPartner.get(county.parentCode) : undefined
			const province = byCity?.province ?? from[i % from.length]
			const nested = byCity ? (countiesOfCity.get(byCity.city.code) ?? []) : []
			const east = nested.length ? nested : countiesOfProvince(province)
			if (east.length) pairing('east_west', null, county.code, pick(east).code)
		})
	}
	for (const code of [...eastWestProviders].sort()) {
		const name = code === provinceOf(code) ? nameOf.get(code) : `${nameOf.get(provinceOf(code)) ?? ''}${nameOf.get(code) ?? ''}`
		const o = org('east_west_partner', `${name}东西部协作办公室`, code)
		orgs.push(o)
		providers.push({ id: o.id, kind: o.kind, name: o.name })
	}

	for (let i = 0; i < N.enterprises; i++) {
		const o = org('enterprise', `企业 ${i + 1}`, pick(countyRows).code)
		orgs.push(o)
		providers.push({ id: o.id, kind: o.kind, name: o.name })
		if (random() < 0.3) pairing('twinning', o.id, pick(villages).code)
	}
	for (let i = 0; i < N.massSocial; i++) {
		const kind: OrgKind = random() < 0.5 ? 'mass_org' : 'social_org'
		const o = org(kind, `${kind === 'mass_org' ? '群团' : '社会组织'} ${i + 1}`, random() < 0.5 ? pick(countyRows).code : null)
		orgs.push(o)
		providers.push({ id: o.id, kind, name: o.name })
	}
	const paired = new Set<string>(pairings.map((p) => p.providerOrgId).filter((x): x is string => x !== null))
	for (const p of providers) if (p.kind === 'east_west_partner') paired.add(p.id)

	// Villages with needs get a village org.
	const needVillages = new Map<string, string>()
	const needs: Array<Record<string, unknown> & { id: string; target: number; measure: string; villageCode: string; villageOrgId: string; status: NeedStatus; publishedAt: number | null }> = []
	for (let i = 0; i < N.needs; i++) {
		const village = pick(villages)
		let villageOrgId = needVillages.get(village.code)
		if (!villageOrgId) {
			const o = org('village', village.name, village.code, village.code)
			orgs.push(o)
			villageOrgId = o.id
			needVillages.set(village.code, o.id)
		}
		const category = weighted(CATEGORY_WEIGHTS)
		const measure = random() < 0.6 ? 'amount' : 'quantity'
		const status: NeedStatus = pick(['published', 'published', 'published', 'published', 'closed', 'closed', 'draft', 'submitted', 'expired', 'cancelled'])
		const createdAt = now - int(1, 400) * DAY_MS
		const publishedAt = ['published', 'closed', 'expired'].includes(status) ? createdAt + int(0, 5) * DAY_MS : null
		const beneficiaries = int(10, 1_500)
		needs.push({
			id: id(),
			villageOrgId,
			villageCode: village.code,
			title: `${village.short}${pick(TOPICS[category])}${pick(['', '项目', '需求', '急需支持'])}`,
			description: needDescription(category, beneficiaries),
			category,
			measure,
			unit: measure === 'quantity' ? pick(UNIT_OF[category]) : null,
			target: measure === 'amount' ? int(1_000, 500_000) * 100 : int(5, 500),
			beneficiaries,
			urgency: pick(['low', 'normal', 'normal', 'high', 'critical']),
			neededBy: today + int(-30, 300) * DAY_MS,
			status,
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: publishedAt,
			submittedAt: status === 'draft' ? null : createdAt,
			publishedAt,
			closedAt: status === 'closed' ? now - int(0, 30) * DAY_MS : null,
			createdBy: 'BENCH',
			createdAt,
			updatedAt: createdAt,
		})
	}
	await insertRows(db, 'organization', orgs)
	await insertRows(db, 'pairing', pairings)
	await insertRows(db, 'need', needs)

	// Offers, with categories (and their mask) and listed regions at any level.
	const offers: object[] = []
	const offerCategories: object[] = []
	const offerRegions: object[] = []
	const codes = (rows: Array<{ code: string }>) => rows.map((r) => r.code)
	const regionsAt = { province: codes(provinces), city: codes(cities), county: codes(countyRows), township: codes(townships), village: codes(villages) }
	for (let i = 0; i < N.offers; i++) {
		const provider = pick(providers)
		const categories = [...new Set(Array.from({ length: int(1, 3) }, () => weighted(CATEGORY_WEIGHTS)))]
		const measure = random() < 0.6 ? 'amount' : 'quantity'
		let coverage = weighted({ nationwide: 31, regions: 47, pairings: 22 })
		if (coverage === 'pairings' && !paired.has(provider.id)) coverage = 'regions'
		const offerId = id()
		offers.push({
			id: offerId,
			providerOrgId: provider.id,
			title: `${pick(TOPICS[categories[0]])}${pick(['帮扶资金', '专项', '行动', '计划', '支持项目', ''])}`,
			description: offerDescription(categories),
			measure,
			unit: measure === 'quantity' ? pick(UNIT_OF[categories[0]]) : null,
			capacity: random() < 0.25 ? null : measure === 'amount' ? int(10_000, 5_000_000) * 100 : int(10, 2_000),
			coverage,
			categoryMask: categoryMask(categories),
			validFrom: today - int(0, 180) * DAY_MS,
			validUntil: today + int(1, 400) * DAY_MS,
			status: random() < 0.9 ? 'active' : pick(['paused', 'draft', 'withdrawn']),
			statusNote: null,
			publishedAt: now,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
		for (const category of categories) offerCategories.push({ offerId, category })
		if (coverage === 'regions') {
			const listed = new Set<string>()
			for (let k = int(1, 3); k > 0; k--) {
				const list = regionsAt[weighted({ province: 20, city: 20, county: 30, township: 15, village: 15 })]
				listed.add(pick(list.length ? list : regionsAt.county))
			}
			for (const regionCode of listed) offerRegions.push({ offerId, regionCode })
		}
	}
	await insertRows(db, 'offer', offers)
	await insertRows(db, 'offerCategory', offerCategories)
	await insertRows(db, 'offerRegion', offerRegions)

	// Commitments to published and closed needs; what is accepted or later never exceeds a target.
	const open = needs.filter((n) => n.status === 'published' || n.status === 'closed')
	const used = new Map<string, number>()
	const commitments: Array<Record<string, unknown> & { providerOrgId: string; villageCode: string; amount: number; status: CommitmentStatus; verifiedAt: number | null; deliveredAt: number | null; byAmount: boolean }> = []
	for (let i = 0; i < N.commitments && open.length; i++) {
		const need = pick(open)
		// Disputes (verification refused) are the rare exit: they bar a provider from commendation.
		let status = weighted<CommitmentStatus>({ pledged: 10, accepted: 9, in_delivery: 9, delivered: 8, verified: 18, closed: 17, declined: 9, withdrawn: 8, lapsed: 9, disputed: 3 })
		const left = need.target - (used.get(need.id) ?? 0)
		let amount = Math.max(1, Math.floor(need.target * (0.05 + random() * 0.3)))
		if (COUNTED.has(status)) {
			if (left <= 0) status = 'pledged'
			else amount = Math.min(amount, left)
		}
		if (COUNTED.has(status)) used.set(need.id, (used.get(need.id) ?? 0) + amount)
		const createdAt = (need.publishedAt ?? now) + int(0, 40) * DAY_MS
		const at = (days: number) => Math.min(now, createdAt + days * DAY_MS)
		const accepted = COUNTED.has(status)
		const delivered = ['delivered', 'verified', 'disputed', 'closed'].includes(status)
		const verified = ['verified', 'closed'].includes(status)
		const dueAt = createdAt + int(15, 120) * DAY_MS
		commitments.push({
			id: id(),
			needId: need.id,
			offerId: null,
			providerOrgId: pick(providers).id,
			villageOrgId: need.villageOrgId,
			villageCode: need.villageCode,
			amount,
			deliveredAmount: delivered ? amount : null,
			status,
			message: '',
			dueAt,
			lapseAt: createdAt + 14 * DAY_MS,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: accepted ? at(2) : null,
			deliveryStartedAt: delivered || status === 'in_delivery' ? at(5) : null,
			deliveredAt: delivered ? at(int(10, 60)) : null,
			verifiedAt: verified ? at(int(12, 90)) : null,
			verifiedBy: verified ? 'BENCH' : null,
			closedAt: status === 'closed' ? at(95) : null,
			createdBy: 'BENCH',
			createdAt: Math.min(createdAt, now),
			updatedAt: Math.min(createdAt, now),
			byAmount: need.measure === 'amount',
		})
	}
	await insertRows(db, 'commitment', commitments.map(({ byAmount: _, ...row }) => row))

	// CSR projects of enterprises in one to three villages; half with a verified investment.
	const enterprises = providers.filter((p) => p.kind === 'enterprise')
	const projects: object[] = []
	const projectVillages: object[] = []
	for (let i = 0; i < N.projects; i++) {
		const projectId = id()
		const planned = int(10_000, 10_000_000) * 100
		const verified = random() < 0.5
		projects.push({
			id: projectId,
			enterpriseOrgId: pick(enterprises).id,
			title: `万企兴万村项目 ${i + 1}`,
			description: '规模测试数据',
			type: random() < 0.7 ? 'industry' : 'public_welfare',
			plannedInvestment: planned,
			permanentJobs: int(0, 50),
			temporaryJobs: int(0, 200),
			peopleTrained: int(0, 300),
			startsOn: today - int(30, 400) * DAY_MS,
			endsOn: today + int(30, 700) * DAY_MS,
			status: verified ? pick(['running', 'completed']) : pick(['planned', 'running']),
			verifiedInvestment: verified ? Math.floor(planned * (0.3 + random() * 0.7)) : null,
			verifiedAt: verified ? now - int(1, 300) * DAY_MS : null,
			verifiedBy: verified ? 'BENCH' : null,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
		for (const v of new Set([pick(villages), pick(villages), pick(villages)].slice(0, int(1, 3)))) projectVillages.push({ projectId, villageCode: v.code })
	}
	await insertRows(db, 'project', projects)
	await insertRows(db, 'projectVillage', projectVillages)

	// The bench accounts: the county is the key county with the most published needs, the village
	// org the one with the most needs (ties: the lower code).
	const countyOf = (villageCode: string) => `${villageCode.slice(0, 6)}000000`
	const most = (counts: Map<string, number>) => [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0]
	const publishedByCounty = new Map<string, number>()
	const needsByVillage = new Map<string, number>()
	for (const n of needs) {
		needsByVillage.set(n.villageCode, (needsByVillage.get(n.villageCode) ?? 0) + 1)
		const county = countyOf(n.villageCode)
		if (n.status === 'published' && government.has(county)) publishedByCounty.set(county, (publishedByCounty.get(county) ?? 0) + 1)
	}
	const benchCounty = most(new Map([...publishedByCounty].filter(([c]) => keySet.has(c)))) ?? most(publishedByCounty)
	const benchVillage = most(needsByVillage)
	if (!benchCounty || !benchVillage || !government.has(GUIZHOU)) throw new Error('no county, village or 贵州省 for the bench accounts')
	const ownerOf: Record<string, { orgId: string; orgName: string } | undefined> = {
		'bench-admin': undefined,
		'bench-province': { orgId: government.get(GUIZHOU)!.id, orgName: government.get(GUIZHOU)!.name },
		'bench-county': { orgId: government.get(benchCounty)!.id, orgName: government.get(benchCounty)!.name },
		'bench-village': { orgId: needVillages.get(benchVillage)!, orgName: nameOf.get(benchVillage) ?? benchVillage },
		// providers start with the central units
		'bench-provider': { orgId: providers[0].id, orgName: providers[0].name },
	}
	const accounts = new Map<string, string>()
	const memberships: object[] = []
	for (const a of BENCH_ACCOUNTS) {
		const account = await createAccount(db, { email: benchEmail(a.username), username: a.username, displayName: a.displayName, password }, { isNationalAdmin: a.username === 'bench-admin', now })
		accounts.set(a.username, account.id)
		const owner = ownerOf[a.username]
		if (owner) memberships.push({ orgId: owner.orgId, accountId: account.id, role: 'owner', createdAt: now })
	}
	await insertRows(db, 'membership', memberships)
	const adminId = accounts.get('bench-admin')!

	// Honor roll: three decided campaigns. Nominees are providers with verified contributions in
	// the campaign's region and period and no disputed commitment (eligibility.server.ts); the
	// thresholds never exceed what the weakest awarded nominee reached.
	const orgName = new Map(providers.map((p) => [p.id, p.name]))
	const plans: Array<{ level: CampaignLevel; year: number; regionCode: string; organizerOrgId: string; place: string; decideBy: string; counts: Record<AwardCategory, number>; minAmount: number; minCount: number }> = [
		{ level: 'national', year: 2025, regionCode: '', organizerOrgId: '', place: '全国', decideBy: '2026-03-20', counts: { advanced_individual: 50, advanced_collective: 50, social_contribution: 50 }, minAmount: 20_000_000, minCount: 3 },
		{ level: 'provincial', year: 2025, regionCode: GUIZHOU, organizerOrgId: government.get(GUIZHOU)!.id, place: nameOf.get(GUIZHOU)!, decideBy: '2026-04-15', counts: { advanced_individual: 40, advanced_collective: 30, social_contribution: 30 }, minAmount: 5_000_000, minCount: 2 },
		{ level: 'county', year: 2026, regionCode: benchCounty, organizerOrgId: government.get(benchCounty)!.id, place: nameOf.get(benchCounty)!, decideBy: '2026-11-30', counts: { advanced_individual: 20, advanced_collective: 15, social_contribution: 15 }, minAmount: 1_000_000, minCount: 1 },
	]
	const verifiedCommitments = commitments.filter((c) => c.verifiedAt !== null && (c.status === 'verified' || c.status === 'closed'))
	const disputed = new Set(commitments.filter((c) => c.status === 'disputed').map((c) => c.providerOrgId))
	const campaigns: object[] = []
	const campaignCategories: object[] = []
	const nominations: object[] = []
	const awards: object[] = []
	const LABEL: Record<AwardCategory, string> = { advanced_individual: '先进个人', advanced_collective: '先进集体', social_contribution: '社会帮扶贡献奖' }
	for (const plan of plans) {
		const period = chinaPeriod(plan.year)
		const decidedDay = Math.min(parseChinaDate(plan.decideBy)!, today - 2 * DAY_MS)
		const decidedAt = decidedDay + 10 * 3_600_000
		const noticeStartsAt = decidedDay - 7 * DAY_MS
		const nominationEndsAt = noticeStartsAt - 7 * DAY_MS
		const createdAt = nominationEndsAt - 40 * DAY_MS
		const windowStart = createdAt + DAY_MS
		const prefix = plan.regionCode ? regionPrefix(plan.regionCode) : ''
		const mine = new Map<string, Array<{ at: number; fen: number }>>()
		for (const c of verifiedCommitments) {
			if (c.verifiedAt! < period.start || c.verifiedAt! >= period.end || !c.villageCode.startsWith(prefix)) continue
			mine.set(c.providerOrgId, [...(mine.get(c.providerOrgId) ?? []), { at: c.verifiedAt!, fen: c.byAmount ? c.amount : 0 }])
		}
		const figures = (orgId: string, asOf: number) => {
			const list = (mine.get(orgId) ?? []).filter((x) => x.at < asOf)
			return { amountFen: list.reduce((s, x) => s + x.fen, 0), count: list.length }
		}
		const clean = providers.filter((p) => !disputed.has(p.id))
		// Ties go by creation order, not by id: ids carry random bits.
		let candidates = clean
			.map((p, order) => ({ id: p.id, order, ...figures(p.id, windowStart) }))
			.filter((c) => c.count > 0)
			.sort((a, b) => b.amountFen - a.amountFen || b.count - a.count || a.order - b.order)
		if (!candidates.length) candidates = clean.map((p, order) => ({ id: p.id, order, amountFen: 0, count: 0 }))
		if (!candidates.length) continue
		const scaled = (n: number) => Math.max(2, Math.round(n * factor))
		const want = { coll: scaled(plan.counts.advanced_collective), soc: scaled(plan.counts.social_contribution), ind: scaled(plan.counts.advanced_individual) }
		const collective = candidates.slice(0, Math.min(want.coll, candidates.length))
		const social = candidates.length >= want.coll + want.soc ? candidates.slice(want.coll, want.coll + want.soc) : candidates.slice(-Math.min(want.soc, candidates.length))
		const individualCount = want.ind + (want.coll - collective.length) + (want.soc - social.length)
		const individualOrgs = candidates.slice(0, Math.min(candidates.length, individualCount))
		const awarded = [...collective, ...social, ...individualOrgs]
		const minAmount = Math.min(plan.minAmount, Math.floor(Math.min(...awarded.map((c) => c.amountFen)) / 100_000) * 100_000)
		const minCount = Math.min(plan.minCount, ...awarded.map((c) => c.count))

		const campaignId = id()
		const title = `${plan.year}年度${plan.place}乡村振兴帮扶工作表彰`
		campaigns.push({
			id: campaignId,
			title,
			year: plan.year,
			level: plan.level,
			regionCode: plan.regionCode,
			organizerOrgId: plan.organizerOrgId,
			description: `表彰${plan.year}年度在${plan.place}巩固拓展脱贫攻坚成果、全面推进乡村振兴中作出突出贡献的帮扶单位和个人。`,
			periodStart: period.start,
			periodEnd: period.end,
			minVerifiedAmount: minAmount,
			minVerifiedCount: minCount,
			nominationEndsAt,
			status: 'decided',
			noticeStartsAt,
			noticeEndsAt: decidedDay,
			decidedAt,
			createdBy: adminId,
			createdAt,
			updatedAt: decidedAt,
		})
		const people = new Set<string>()
		const person = () => {
			let name = ''
			do name = pick(SURNAMES) + pick(GIVEN) + (random() < 0.6 ? pick(GIVEN) : '')
			while (people.has(name))
			people.add(name)
			return name
		}
		const entries: Array<{ category: AwardCategory; orgId: string; personName: string }> = [
			...Array.from({ length: individualCount }, (_, i) => ({ category: 'advanced_individual' as const, orgId: individualOrgs[i % individualOrgs.length].id, personName: person() })),
			...collective.map((c) => ({ category: 'advanced_collective' as const, orgId: c.id, personName: '' })),
			...social.map((c) => ({ category: 'social_contribution' as const, orgId: c.id, personName: '' })),
		]
		const made = entries.map((e) => {
			const at = windowStart + Math.floor(random() * (nominationEndsAt - windowStart - 3_600_000))
			const f = figures(e.orgId, at)
			const by = orgName.get(e.orgId) ?? ''
			const yuan = Math.round(f.amountFen / 100)
			const money = yuan >= 10_000 ? `${(yuan / 10_000).toFixed(2)}万元` : `${yuan}元`
			const where = plan.level === 'national' ? '' : `在${plan.place}`
			const citation = e.personName
				? `${e.personName}同志作为${by}的帮扶干部，${plan.level === 'national' ? '长期扎根帮扶一线' : `扎根${plan.place}基层一线`}，${pick(['带领群众发展特色产业', '推动消费帮扶产品进机关', '组织劳务协作促进稳岗就业', '协调落实帮扶资金和项目'])}，成绩突出。`
				: `${plan.year}年度，${by}${where}经核实的帮扶资金${money}、帮扶事项${f.count}项，${pick(['帮扶成效显著', '群众满意度高', '带动脱贫群众持续增收'])}。`
			return {
				row: {
					id: id(),
					campaignId,
					category: e.category,
					orgId: e.orgId,
					personName: e.personName,
					citation,
					eligibility: JSON.stringify({
						eligible: true,
						failed: [],
						amountFen: f.amountFen,
						minAmountFen: minAmount,
						count: f.count,
						minCount,
						openAccountability: 0,
						disputed: 0,
						periodStart: period.start,
						periodEnd: period.end,
						regionCode: plan.regionCode,
						checkedAt: at,
					} satisfies Eligibility),
					selfNominated: 0,
					nominatedBy: adminId,
					nominatorOrgId: plan.organizerOrgId,
					status: 'awarded',
					statusNote: null,
					createdAt: at,
					updatedAt: decidedAt,
				},
				...e,
			}
		})
		// Certificates as decideCampaign numbers them: category order, then nomination order.
		made.sort((a, b) => AWARD_CATEGORIES.indexOf(a.category) - AWARD_CATEGORIES.indexOf(b.category) || a.row.createdAt - b.row.createdAt)
		made.forEach((m, i) => {
			nominations.push(m.row)
			awards.push({ id: id(), campaignId, nominationId: m.row.id, category: m.category, orgId: m.orgId, personName: m.personName, certificateNo: `${plan.year}-${plan.regionCode || 'CN'}-${String(i + 1).padStart(3, '0')}`, awardedAt: decidedAt })
		})
		for (const category of AWARD_CATEGORIES) {
			const quota = made.filter((m) => m.category === category).length
			if (quota) campaignCategories.push({ campaignId, category, quota })
		}
		log(`campaign ${title}: ${made.length} awards (${AWARD_CATEGORIES.map((c) => `${LABEL[c]} ${made.filter((m) => m.category === c).length}`).join(', ')}), ${candidates.length} eligible providers`)
	}
	await insertRows(db, 'campaign', campaigns)
	await insertRows(db, 'campaignCategory', campaignCategories)
	await insertRows(db, 'nomination', nominations)
	await insertRows(db, 'award', awards)

	const byKind = (list: Array<{ kind: string }>) => Object.entries(list.reduce<Record<string, number>>((m, x) => ({ ...m, [x.kind]: (m[x.kind] ?? 0) + 1 }), {})).map(([k, n]) => `${k} ${fmt(n)}`).join(', ')
	log(`done: ${fmt(orgs.length)} orgs (${byKind(orgs)}), ${fmt(pairings.length + seeded.created)} pairings (${byKind(pairings)}, + ${seeded.created} from the 2021 map), ${fmt(needs.length)} needs, ${fmt(offers.length)} offers, ${fmt(commitments.length)} commitments, ${fmt(projects.length)} projects, ${awards.length} awards. The search index is not filled: run npm run search:reindex.`)
	console.log(`bench accounts (password from ${passwordFrom}):`)
	for (const a of BENCH_ACCOUNTS) {
		const owner = ownerOf[a.username]
		console.log(`  ${a.username.padEnd(15)} ${benchEmail(a.username).padEnd(31)} ${a.displayName}  ${owner ? `owner of ${owner.orgName}` : 'national admin'}`)
	}
} catch (error) {
	console.error(`bench:data failed: ${(error as Error).message}`)
	process.exitCode = 1
} finally {
	await db.destroy()
}
