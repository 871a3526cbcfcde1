# bearssl.mk — builds libbearssl.a from an unpacked BearSSL tree with our
# compiler and flags.  Called by the top Makefile once the sources exist:
#   make -f third_party/bearssl.mk SRC=dir OUT=dir CC=... CFLAGS=... \
#	FAST="name ..." FAST_CFLAGS=...
# FAST names sources (without .c) built with FAST_CFLAGS added.
# Object names are unique across BearSSL's src/ subdirectories, so every
# object goes into one directory, as BearSSL's own build does.

C_FILES := $(wildcard $(SRC)/src/*.c $(SRC)/src/*/*.c)
OBJS := $(addprefix $(OUT)/obj/,$(notdir $(C_FILES:.c=.o)))
vpath %.c $(sort $(dir $(C_FILES)))

$(OUT)/libbearssl.a: $(OBJS)
	rm -f $@
	$(AR) rcsD $@ $(OBJS)

# Every object is rebuilt when the compiler or the flags change: the
# stamp holds what they were built with, and is rewritten only then.
STAMP := $(OUT)/flags
FLAGS := $(CC) $(CFLAGS) | $(FAST) | $(FAST_CFLAGS)
$(shell mkdir -p $(OUT) && \
    { [ "$$(cat $(STAMP) 2>/dev/null)" = '$(FLAGS)' ] || \
    echo '$(FLAGS)' > $(STAMP); })

$(OUT)/obj/%.o: %.c $(STAMP)
	@mkdir -p $(OUT)/obj
	$(CC) $(CFLAGS) $(if $(filter $*,$(FAST)),$(FAST_CFLAGS)) \
		-I$(SRC)/src -I$(SRC)/inc -c -o $@ $<
