export default function setup() {
	if (process.env.TEST_MYSQL_URL) {
		console.log('[bangfu] model tests run on SQLite and on MySQL (TEST_MYSQL_URL is set)')
	} else {
		console.log('[bangfu] MySQL model tests SKIPPED: TEST_MYSQL_URL is not set; running on SQLite only')
	}
}
