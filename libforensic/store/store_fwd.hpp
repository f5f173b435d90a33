// The store by name only: for headers that take a Store& but need not see SQLite.
#pragma once

namespace forensic::store {
class Store;
}
