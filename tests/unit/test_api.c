#include "testlib.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "dpn_api.h"

static int echo(void *ctx, json_t *params, json_t **result, struct dpn_err *err)
{
	(void)ctx;
	if (json_object_get(params, "fail"))
		return dpn_err_set(err, -EINVAL, "fail: asked to");
	*result = json_pack("{s:O}", "got", params);
	return 0;
}

static int error_code(json_t *resp)
{
	return json_integer_value(json_object_get(json_object_get(resp, "error"), "code"));
}

static void dispatch(void **state)
{
	struct event_base *base = event_base_new();
	char path[] = "/tmp/dpn-api-XXXXXX";
	struct dpn_api_conf conf = {.mode = 0600, .gid = -1};
	(void)state;

	assert_non_null(mkdtemp(path));
	snprintf(conf.socket, sizeof(conf.socket), "%s/api.sock", path);
	struct dpn_api *api = dpn_api_new(base, &conf);
	assert_non_null(api);
	dpn_api_register(api, "echo", echo, NULL);

	json_t *req =
	        tjson("{\"version\": 1, \"id\": 5, \"method\": \"echo\", \"params\": {\"a\": 1}}");
	json_t *resp = dpn_api_handle(api, req);
	assert_int_equal(json_integer_value(json_object_get(resp, "id")), 5);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_object_get(json_object_get(resp, "result"), "got"), "a")),
	        1);
	json_decref(req);
	json_decref(resp);

	static const struct {
		const char *req;
		int code;
		const char *msg;
	} bad[] = {
	        {"{\"method\": \"nope\"}", ENOSYS, "method: unknown method \"nope\""},
	        {"{\"version\": 2, \"method\": \"echo\"}", EPROTONOSUPPORT,
	                "version: this dpnoded speaks API version 1"},
	        {"{\"method\": \"echo\", \"params\": []}", EINVAL, "params: expected an object"},
	        {"{\"params\": {}}", EINVAL,
	                "request: expected an object with a \"method\" string"},
	        {"{\"method\": \"echo\", \"params\": {\"fail\": true}}", EINVAL, "fail: asked to"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req = tjson(bad[i].req);
		resp = dpn_api_handle(api, req);
		assert_int_equal(error_code(resp), bad[i].code);
		assert_string_equal(json_string_value(json_object_get(
		                            json_object_get(resp, "error"), "message")),
		        bad[i].msg);
		json_decref(req);
		json_decref(resp);
	}
	/* a second daemon on the same socket is refused */
	assert_null(dpn_api_new(base, &conf));
	dpn_api_free(api);
	rmdir(path);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
