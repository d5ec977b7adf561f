# cmake -DINPUT=file -DOUTPUT=file.c -DSYMBOL=name -P embed-file.cmake
# Writes `const char SYMBOL[]` holding INPUT's bytes plus a NUL terminator,
# and `const size_t SYMBOL_len` (without the NUL). C has no raw strings, so
# the bytes are written as hexadecimal initialisers.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
  "/* Generated from ${INPUT} by embed-file.cmake; do not edit. */\n"
  "#include <stddef.h>\n"
  "const char ${SYMBOL}[] = {\n${bytes}0x00};\n"
  "const size_t ${SYMBOL}_len = ${byte_count};\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
