// A member of a verified provider org posts an offer (saved as a draft). The form is
// components/offer-form.tsx, shared with offers.$offerId_.edit.tsx; its region finder
// (components/region-finder.tsx) asks this route's loader (?regionQ=) or, without JavaScript,
// posts to this route's action.
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { OfferForm } from '#app/components/offer-form.tsx'
import { finderReply, isFinderIntent } from '#app/components/region-finder.tsx'
import { providerOrgsOf, regionFinder } from '#app/models/browse.server.ts'
import { OfferSchema } from '#app/models/offer.schema.ts'
import { createOffer } from '#app/models/offer.server.ts'
import { PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'

export const meta: MetaFunction = () => [{ title: '发布帮扶资源 · 帮扶 Bangfu' }]

/** Why the actor cannot post an offer, as a page with the way forward. */
function NoProviderOrg({ reason }: { reason: 'pending' | 'not_provider' | 'no_org' }) {
	const { t } = useTranslation()
	return (
		<section className="card" role="status">
			<h2 style={{ marginTop: 0 }}>{t('offer.cannot.title')}</h2>
			<p>{t(`offer.cannot.${reason}`)}</p>
			<p style={{ marginBottom: 0 }}>
				{reason === 'pending' ? <Link to="/settings">{t('offer.cannot.see_orgs')}</Link> : null}
				{reason === 'not_provider' ? <Link to="/needs">{t('offer.cannot.needs')}</Link> : null}
				{reason === 'no_org' ? <Link to="/orgs/new">{t('offer.cannot.register')}</Link> : null}
				{' · '}
				<Link to="/offers">{t('offer.cannot.browse')}</Link>
			</p>
		</section>
	)
}

// ---------------------------------------------------------------------------------------------

function cannotReason(actor: Awaited<ReturnType<typeof requireActor>>['actor']) {
	const provider = (k: string) => (PROVIDER_KINDS as readonly string[]).includes(k)
	if (actor.memberships.some((m) => provider(m.kind) && m.status === 'pending')) return 'pending' as const
	if (actor.memberships.some((m) => !provider(m.kind))) return 'not_provider' as const
	return 'no_org' as const
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const orgs = providerOrgsOf(actor).map((m) => ({ id: m.orgId, name: m.orgName }))
	const today = chinaDayStart(Date.now())
	const wanted = url.searchParams.get('org')
	return {
		orgs,
		reason: orgs.length ? null : cannotReason(actor),
		defaults: {
			orgId: orgs.length === 1 ? orgs[0].id : (orgs.find((o) => o.id === wanted)?.id ?? ''),
			measure: 'amount',
			coverage: 'nationwide',
			validFrom: formatChinaDate(today),
			validUntil: formatChinaDate(today + 365 * DAY_MS),
		},
		finder: await regionFinder(db, url.searchParams),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? 'save')
	if (isFinderIntent(intent)) return finderReply(formData, await regionFinder(db, formData), 'regionCodes')

	const orgs = providerOrgsOf(actor)
	const submission = parseWithZod(formData, { schema: OfferSchema })
	if (!orgs.length) return data({ result: submission.reply({ formErrors: [msgNoOrg(actor)] }), finder: null }, { status: 403 })
	// The model decides who may post for which org; the route only needs to know which org is meant.
	const orgId = String(formData.get('orgId') ?? '') || (orgs.length === 1 ? orgs[0].orgId : '')
	if (submission.status !== 'success' || !orgId) {
		return data({ result: submission.reply(orgId ? {} : { fieldErrors: { orgId: ['validation.offer_org_required'] } }), finder: null }, { status: 400 })
	}
	try {
		// The raw values: the model parses them itself (submission.value is already in fen).
		const { id } = await createOffer(db, orgId, submission.payload, actor)
		return redirect(`/offers/${id}?created=1`)
	} catch (error) {
		const response = replyWithError(submission, error)
		return data({ result: response.data.result, finder: null }, response.init ?? undefined)
	}
}

function msgNoOrg(actor: Awaited<ReturnType<typeof requireActor>>['actor']) {
	return actor.memberships.some((m) => !(PROVIDER_KINDS as readonly string[]).includes(m.kind)) ? 'errors.org_cannot_offer' : 'errors.forbidden'
}

export default function NewOfferPage() {
	const { t } = useTranslation()
	const loaderData = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const formErrors = !loaderData.orgs.length ? (actionData?.result?.error?.[''] ?? null) : null
	return (
		<>
			<p className="crumbs">
				<Link to="/offers">{t('browse.offers.title')}</Link> ›
			</p>
			<h1>{t('offer.new_title')}</h1>
			{formErrors?.length ? (
				<div className="form-errors" role="alert">
					{formErrors.map((e) => tm(t, e)).join(' ')}
				</div>
			) : null}
			{loaderData.reason ? (
				<NoProviderOrg reason={loaderData.reason} />
			) : (
				<>
					<p className="muted">{t('offer.new_intro')}</p>
					<p className="muted">{t('offer.members_may_draft')}</p>
					<section className="card">
						<OfferForm
							id="new-offer"
							orgs={loaderData.orgs}
							defaultValue={loaderData.defaults}
							lastResult={actionData?.result}
							finder={actionData?.finder ?? loaderData.finder}
							loaderPath="/offers/new"
							submitLabel={t('offer.actions.create')}
						/>
					</section>
				</>
			)}
		</>
	)
}
