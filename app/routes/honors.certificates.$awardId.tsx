// A printable A4 certificate (荣誉证书) for one award; public. The certificate itself is always
// in Chinese (it is the document); the page around it follows the reader's language and is
// hidden when printing.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { chineseDate } from '#app/components/commendation.tsx'
import { getCertificate } from '#app/models/commendation.server.ts'
import { publicContext } from '#app/utils/auth.server.ts'
import { notFound } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `荣誉证书 ${data.certificateNo} · 帮扶 Bangfu` : '荣誉证书 · 帮扶 Bangfu' }]

export async function loader({ params }: LoaderFunctionArgs) {
	const { db } = publicContext()
	const c = await getCertificate(db, params.awardId ?? '')
	if (!c) notFound('commendation.errors.award_not_found')
	return {
		id: c.id,
		category: c.category,
		personName: c.personName,
		orgName: c.orgName,
		citation: c.citation,
		campaignId: c.campaignId,
		campaignTitle: c.campaignTitle,
		level: c.level,
		organizerName: c.organizerName,
		certificateNo: c.certificateNo,
		dateText: chineseDate(c.awardedAt),
	}
}

// NOTE: @page and print rules apply to the whole document while this page is shown; the site
// header and footer are hidden in print so the certificate fills one A4 sheet.
const CERTIFICATE_CSS = `
@page { size: A4; margin: 12mm; }
.certificate {
	font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif;
	box-sizing: border-box; width: 100%; max-width: 186mm; min-height: 262mm; margin: 0 auto;
	padding: 22mm 18mm; border: 3mm double #b71c1c; background: #fffdf7; color: #222;
	display: flex; flex-direction: column; text-align: center;
}
.certificate h1 { font-size: 40pt; letter-spacing: .5em; color: #b71c1c; margin: 8mm 0 14mm; font-weight: 700; }
.certificate .honoree { font-size: 20pt; text-align: left; margin: 0 0 8mm; }
.certificate .body { font-size: 15pt; line-height: 2; text-align: left; text-indent: 2em; margin: 0; }
.certificate .citation { font-size: 12pt; line-height: 1.8; text-align: left; color: #444; margin: 6mm 0 0; white-space: pre-wrap; }
.certificate .sign { margin-top: auto; text-align: right; font-size: 15pt; line-height: 2; }
.certificate .number { font-family: "Noto Sans CJK SC", serif; font-size: 10pt; color: #555; text-align: left; margin-top: 10mm; }
@media print {
	header.site, footer.site, .skip, .demo-banner, .no-print { display: none !important; }
	body, main { margin: 0 !important; padding: 0 !important; max-width: none !important; background: #fff; }
	.certificate { min-height: 270mm; max-width: none; }
}
`

export default function CertificatePage() {
	const { t, i18n } = useTranslation()
	const c = useLoaderData<typeof loader>()
	// The certificate is a Chinese document whatever the reader's language.
	const zh = i18n.getFixedT('zh-CN')
	const honoree = c.personName ? zh('commendation.certificate.person', { person: c.personName, org: c.orgName }) : c.orgName
	return (
		<>
			<style>{CERTIFICATE_CSS}</style>
			<p className="crumbs no-print">
				<Link to="/honors">{t('commendation.honors.title')}</Link> › <Link to={`/commendations/${c.campaignId}`}>{c.campaignTitle}</Link>
			</p>
			<p className="muted no-print">{t('commendation.certificate.print_hint')}</p>
			<article className="certificate" lang="zh-CN" aria-label={zh('commendation.certificate.title')}>
				<h1>{zh('commendation.certificate.title')}</h1>
				<p className="honoree">{zh('commendation.certificate.salutation', { name: honoree })}</p>
				<p className="body">{zh('commendation.certificate.body', { campaign: c.campaignTitle, category: zh(`commendation.category.${c.category}`) })}</p>
				{c.citation ? <p className="citation">{c.citation}</p> : null}
				<div className="sign">
					<div>{c.organizerName || zh('commendation.national_organizer')}</div>
					<div>{c.dateText}</div>
				</div>
				<p className="number">{zh('commendation.certificate.number', { no: c.certificateNo })}</p>
			</article>
		</>
	)
}
