import { notFound } from '#app/utils/http.server.ts'

// Any path no other route matches: the friendly 404 page from the root error boundary.
export async function loader() {
	notFound()
}

export default function NotFound() {
	return null
}
