# bearssl.mk — builds libbearssl.a from an unpacked BearSSL tree with our
# compiler and flags.  Called by the top Makefile once the sources exist:
#   make -f third_party/bearssl.mk SRC=dir OUT=dir CC=... CFLAGS=...
# Object names are unique across BearSSL's src/ subdirectories, so every
# object goes into one directory, as BearSSL's own build does.

C_FILES := $(wildcard $(SRC)/src/*.c $(SRC)/src/*/*.c)
OBJS := $(addprefix $(OUT)/obj/,$(notdir $(C_FILES:.c=.o)))
vpath %.c $(sort $(dir $(C_FILES)))

$(OUT)/libbearssl.a: $(OBJS)
	rm -f $@
	$(AR) rcsD $@ $(OBJS)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(OUT)/obj
	$(CC) $(CFLAGS) -I$(SRC)/src -I$(SRC)/inc -c -o $@ $<
