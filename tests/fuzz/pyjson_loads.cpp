// pyjson::loads on arbitrary bytes: it either returns a value or throws ParseError, and what
// it returns survives dumps -> loads -> dumps unchanged (the SM_* variables rely on it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "toolkit/pyjson/python_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    optml::pyjson::Value value;
    try {
        value = optml::pyjson::loads(text);
    } catch (const optml::pyjson::ParseError&) {
        return 0;
    }
    const std::string dumped = optml::pyjson::dumps(value);
    const std::string again = optml::pyjson::dumps(optml::pyjson::loads(dumped));
    if (dumped != again) std::abort();
    // str() and repr() walk every value type too (hyperparameters reach argv through str()).
    (void)optml::pyjson::str(value);
    (void)optml::pyjson::repr(value);
    if (value.is_str()) (void)optml::pyjson::upper(value.as_str());
    return 0;
}
