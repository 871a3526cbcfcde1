/*
 * mkroots.c — turn a PEM bundle into src/roots.c: the trust anchors as
 * constant C data.  Run by scripts/gen-roots; uses the same decoder as
 * --cacert (ca.c), so the embedded set and a loaded bundle agree.
 *
 * usage: mkroots BUNDLE "DESCRIPTION OF BUNDLE" > roots.c
 */
#include <stdio.h>

#include "ca.h"
#include "err.h"

/* ca.c refers to the embedded set; this tool is what makes it. */
const br_x509_trust_anchor roots_anchors[1];
const size_t roots_count = 0;

static void
bytes(const char *name, size_t i, const unsigned char *p, size_t len)
{
	size_t k;

	printf("static const unsigned char %s%zu[] = {", name, i);
	for (k = 0; k < len; k++)
		printf("%s0x%02x,", k % 12 == 0 ? "\n\t" : " ", p[k]);
	printf("\n};\n");
}

static void
anchor(size_t i, const br_x509_trust_anchor *ta)
{
	printf("\t{ { (unsigned char *)dn%zu, sizeof(dn%zu) }, %s,\n", i, i,
	    ta->flags & BR_X509_TA_CA ? "BR_X509_TA_CA" : "0");
	if (ta->pkey.key_type == BR_KEYTYPE_RSA)
		printf("\t  { BR_KEYTYPE_RSA, { .rsa = { (unsigned char *)n%zu, "
		    "sizeof(n%zu), (unsigned char *)e%zu, sizeof(e%zu) } } } },\n",
		    i, i, i, i);
	else
		printf("\t  { BR_KEYTYPE_EC, { .ec = { %d, (unsigned char *)q%zu, "
		    "sizeof(q%zu) } } } },\n", ta->pkey.key.ec.curve, i, i);
}

int
main(int argc, char **argv)
{
	const br_x509_trust_anchor *ta;
	size_t n, i;

	if (argc != 3) {
		fprintf(stderr, "usage: mkroots BUNDLE DESCRIPTION\n");
		return 2;
	}
	if (ca_load_file(argv[1]) < 0) {
		fprintf(stderr, "mkroots: %s\n", err_msg());
		return 1;
	}
	ta = ca_anchors(&n);
	printf("/*\n * roots.c — the embedded trust anchors: %zu roots from\n"
	    " * %s.\n * Made by scripts/gen-roots (make roots); never edit by hand.\n"
	    " */\n#include \"ca.h\"\n\n", n, argv[2]);
	for (i = 0; i < n; i++) {
		bytes("dn", i, ta[i].dn.data, ta[i].dn.len);
		if (ta[i].pkey.key_type == BR_KEYTYPE_RSA) {
			bytes("n", i, ta[i].pkey.key.rsa.n, ta[i].pkey.key.rsa.nlen);
			bytes("e", i, ta[i].pkey.key.rsa.e, ta[i].pkey.key.rsa.elen);
		} else {
			bytes("q", i, ta[i].pkey.key.ec.q, ta[i].pkey.key.ec.qlen);
		}
	}
	printf("\nconst br_x509_trust_anchor roots_anchors[] = {\n");
	for (i = 0; i < n; i++)
		anchor(i, &ta[i]);
	printf("};\n\nconst size_t roots_count = %zu;\n", n);
	return 0;
}
