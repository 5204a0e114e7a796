#include "toolkit/serve/serve_main.hpp"

int main(int argc, char** argv) {
    return optml::serve::serve_main(argc, argv);
}
